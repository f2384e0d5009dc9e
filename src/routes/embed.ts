import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { isFusionId } from "../../models/fusion";
import type { AppEnv } from "../env";
import { LIMITS } from "../limits";
import { Problem } from "../problem";
import { clientRateLimit } from "../rate-limit";
import { type RawInput, toBackboneInputs } from "../runtime/backbone-inputs";
import { bindingFor } from "../tenants/adapter-backbone";
import { callerAuth } from "../tenants/auth";
import { chooseBody } from "./body-form";
import {
  FormInputsSchema,
  fromFormInputs,
  fromJsonInputs,
  JsonInputSchema,
  TruncateQuery,
  truncated,
} from "./inputs";
import { jsonBatchLimit } from "./json-batch-limit";
import { BEARER } from "./openapi-parts";
import { problemResponses } from "./problems";
import { IdSchema } from "./request-bounds";

export const EmbedJsonSchema = z
  .strictObject({
    backbone: IdSchema.openapi({
      description:
        "A backbone id from GET /v1/backbones, or a fusion of two (`lexical+use-lite`, `mobilenet-v2:pooled+mobilenet-v2:block12`), as adapters take it.",
      example: "use-lite",
    }),
    layer: IdSchema.optional().openapi({
      description:
        "A cut layer from GET /v1/backbones; default: the backbone's output. A fusion names its layers in its id.",
    }),
    inputs: z.array(JsonInputSchema).openapi({
      description: `Texts, or {image: base64} objects; at most ${LIMITS.maxEmbedBatch}.`,
      example: ["a kitten sleeping", "quarterly earnings fell"],
    }),
  })
  .openapi("EmbedRequest");

const EmbedFormSchema = z.strictObject({
  backbone: IdSchema,
  layer: IdSchema.optional(),
  inputs: FormInputsSchema,
});

const EmbeddingsSchema = z
  .object({
    backbone: z.string(),
    version: z.string(),
    layer: z.string(),
    dim: z.int(),
    blocks: z.array(z.int()).nullable().openapi({
      description: "A fusion's parts' dims, in order (null: one backbone).",
    }),
    normalization: z.literal("l2").openapi({
      description: "Every vector has unit L2 norm; a fusion's, every block (part) of it.",
    }),
    embeddings: z.array(z.array(z.number())),
  })
  .openapi("Embeddings");

type EmbedJson = z.infer<typeof EmbedJsonSchema>;
type EmbedForm = z.infer<typeof EmbedFormSchema>;

/**
 * A tenant API key or the admin token, unless the deployment sets PUBLIC_EMBED = "true"; then
 * anyone may call, within the per-IP rate limit.
 */
const embedAccess = createMiddleware<AppEnv>((c, next) =>
  c.env?.PUBLIC_EMBED === "true" ? clientRateLimit(c, next) : callerAuth(c, next),
);

const embed = createRoute({
  method: "post",
  path: "/embed",
  summary: "Embed texts or images with a frozen backbone",
  description:
    'Needs a tenant API key or the admin token, unless the deployment sets PUBLIC_EMBED = "true".',
  security: BEARER,
  middleware: [embedAccess, jsonBatchLimit("inputs", LIMITS.maxEmbedBatch)] as const,
  request: {
    query: z.strictObject(TruncateQuery),
    body: {
      content: {
        "application/json": { schema: EmbedJsonSchema },
        "multipart/form-data": { schema: EmbedFormSchema },
      },
    },
  },
  responses: {
    200: {
      description: "L2-normalised embeddings",
      content: { "application/json": { schema: EmbeddingsSchema } },
    },
    ...problemResponses([401, 404, 413, 415, 422, 429, 503]),
  },
});

export function embedRoutes() {
  return new OpenAPIHono<AppEnv>().openapi(embed, async (c) => {
    const { backbone, layer, inputs } = await readEmbedRequest(
      c.req.header("content-type"),
      c.req.valid("json") as EmbedJson,
      c.req.valid("form") as EmbedForm,
    );
    const pool = c.var.backbones;
    const fusion = isFusionId(backbone) ? pool.fusion(backbone) : null;
    if (fusion && layer !== undefined) {
      throw new Problem(
        422,
        "invalid-fusion",
        `a fusion names its parts' layers in its id (e.g. ${fusion.parts[0]?.manifest.id}:${fusion.parts[0]?.layer}+…), not in "layer"`,
      );
    }
    // What an adapter may be bound to, and no more: a backbone this deployment cannot run in an
    // isolate (InceptionV3's weights take over its share of 128 MiB) is refused, not loaded. One
    // this isolate has no room for now answers 503 when it is embedded, as an upload would.
    bindingFor(pool, backbone, layer, { forEmbedding: true });
    const { inputs: preparation } = pool.served(backbone);
    const sent = c.req.valid("query").truncate === "true" ? inputs.map(truncated) : inputs;
    const result = await pool.embed(backbone, await toBackboneInputs(preparation, sent), layer);
    return c.json(
      {
        backbone: result.backbone,
        version: result.version,
        layer: result.layer,
        dim: result.dim,
        blocks: fusion?.blocks ?? null,
        normalization: "l2" as const,
        embeddings: result.embeddings.map((vector: Float32Array) => Array.from(vector)),
      },
      200,
    );
  });
}

/** JSON or multipart, whichever the request declared (zod-openapi refuses any other type with 415). */
async function readEmbedRequest(
  contentType: string | undefined,
  json: EmbedJson,
  form: EmbedForm,
): Promise<{ backbone: string; layer?: string; inputs: RawInput[] }> {
  const body = chooseBody<EmbedJson, EmbedForm>(contentType, json, form);
  if (body.kind === "form") {
    return { ...body.form, inputs: await fromFormInputs(body.form.inputs) };
  }
  return { ...body.json, inputs: fromJsonInputs(body.json.inputs) };
}
