import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { LIMITS } from "../limits";
import { Problem } from "../problem";
import { clientRateLimit } from "../rate-limit";
import { callerAuth } from "../tenants/auth";
import {
  FormInputsSchema,
  fromFormInputs,
  fromJsonInputs,
  JsonInputSchema,
  type RawInput,
  toBackboneInputs,
} from "./inputs";
import { BEARER } from "./openapi-parts";
import { problemResponses } from "./problems";
import { IdSchema } from "./request-bounds";

const EmbedJsonSchema = z
  .object({
    backbone: IdSchema.openapi({ example: "use-lite" }),
    layer: IdSchema.optional().openapi({
      description: "A cut layer from GET /v1/backbones; default: the backbone's output.",
    }),
    inputs: z.array(JsonInputSchema).openapi({
      description: `Texts, or {image: base64} objects; at most ${LIMITS.maxEmbedBatch}.`,
      example: ["a kitten sleeping", "quarterly earnings fell"],
    }),
  })
  .openapi("EmbedRequest");

const EmbedFormSchema = z.object({
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
    normalization: z.literal("l2").openapi({ description: "Every vector has unit L2 norm." }),
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
  middleware: [embedAccess] as const,
  request: {
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
    ...problemResponses([401, 404, 413, 415, 422, 429]),
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
    const manifest = pool.manifest(backbone);
    const result = await pool.embed(backbone, await toBackboneInputs(manifest, inputs), layer);
    return c.json(
      {
        backbone: result.backbone,
        version: result.version,
        layer: result.layer,
        dim: result.dim,
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
  if (contentType?.includes("multipart/form-data")) {
    return { ...form, inputs: await fromFormInputs(form.inputs) };
  }
  if (!json.backbone) {
    throw new Problem(
      415,
      "unsupported-media-type",
      "send application/json or multipart/form-data",
    );
  }
  return { ...json, inputs: fromJsonInputs(json.inputs) };
}
