/**
 * Predictions: the adapter's backbone embeds the inputs, its active head classifies them. A finetune
 * head takes the backbone's activations at its cut instead and runs its own top, then its classifier.
 */

import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { FinetuneHead } from "../../adapters";
import { Problem } from "../problem";
import { toBackboneInputs } from "../runtime/backbone-inputs";
import { headOf, loadHead } from "../storage/head-cache";
import { TENANT_LIMITS } from "../tenant-limits";
import { adapterBackbone } from "../tenants/adapter-backbone";
import { tenantAdapterAuth } from "../tenants/auth";
import type { AdapterEnv } from "../tenants/context";
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
import { AdapterIdParams, BEARER, jsonContent } from "./openapi-parts";
import { problemResponses } from "./problems";
import { urlIntegerOr } from "./url-integer";

export const PredictJsonSchema = z
  .strictObject({
    inputs: z.array(JsonInputSchema).openapi({
      description: `Texts, or {image: base64} objects; at most ${TENANT_LIMITS.inputsPerPrediction}.`,
      example: ["great product, works as promised"],
    }),
  })
  .openapi("PredictRequest");

const PredictFormSchema = z.strictObject({ inputs: FormInputsSchema });

type PredictJson = z.infer<typeof PredictJsonSchema>;
type PredictForm = z.infer<typeof PredictFormSchema>;

// Strict: `?version=1` would otherwise be answered by the active version without a word.
export const PredictQuerySchema = z.strictObject({
  topK: urlIntegerOr(3, { min: 1, max: 20 }).openapi({ description: "Labels to list per input." }),
  abstain: z.enum(["true", "false"]).optional().openapi({
    description: 'Answer "unknown" below the head\'s abstain threshold (default: when it has one).',
  }),
  ...TruncateQuery,
});

const PredictionsSchema = z
  .object({
    adapterId: z.string(),
    version: z.int().openapi({ description: "The head version that answered." }),
    backbone: z.object({ id: z.string(), version: z.string() }),
    predictions: z.array(
      z.object({
        label: z
          .string()
          .openapi({ description: 'The predicted label, or "unknown" when the head abstained.' }),
        abstained: z.boolean(),
        probabilities: z
          .record(z.string(), z.number())
          .openapi({ description: "Calibrated, summing to 1." }),
        topK: z.array(z.object({ label: z.string(), probability: z.number() })),
      }),
    ),
  })
  .openapi("Predictions");

const predict = createRoute({
  method: "post",
  path: "/adapters/{adapterId}/predict",
  tags: ["predict"],
  summary: "Classify inputs with the adapter's active head (one or a batch)",
  security: BEARER,
  middleware: [
    tenantAdapterAuth,
    jsonBatchLimit("inputs", TENANT_LIMITS.inputsPerPrediction),
  ] as const,
  request: {
    params: AdapterIdParams,
    query: PredictQuerySchema,
    body: {
      content: {
        "application/json": { schema: PredictJsonSchema },
        "multipart/form-data": { schema: PredictFormSchema },
      },
    },
  },
  responses: {
    200: jsonContent(PredictionsSchema, "One prediction per input, in order"),
    ...problemResponses([401, 404, 409, 413, 415, 422, 503]),
  },
});

export function predictRoutes() {
  return new OpenAPIHono<AdapterEnv>().openapi(predict, async (c) => {
    const { topK, abstain, truncate } = c.req.valid("query");
    const { tenantId, adapter, backbones } = c.var;
    if (adapter.activeVersion === null) {
      throw new Problem(409, "no-active-head", `adapter "${adapter.id}" has no trained head yet`);
    }
    const manifest = adapterBackbone(backbones, adapter);
    const body = chooseBody<PredictJson, PredictForm>(
      c.req.header("content-type"),
      c.req.valid("json"),
      c.req.valid("form"),
    );
    const sent =
      body.kind === "form"
        ? await fromFormInputs(body.form.inputs)
        : fromJsonInputs(body.json.inputs);
    const raw = truncate === "true" ? sent.map(truncated) : sent;
    const inputs = await toBackboneInputs(manifest, raw, TENANT_LIMITS.inputsPerPrediction);
    const { key, backbone } = headOf(tenantId, adapter, adapter.activeVersion);
    const head = await loadHead(c.env.HEADS, key, backbone);
    const options = { topK, ...(abstain === undefined ? {} : { abstain: abstain === "true" }) };
    // A finetune head runs the tenant's own top on the backbone's cut activations.
    const { predictions, version } =
      head instanceof FinetuneHead
        ? {
            predictions: head.predict(
              (await backbones.embedWithCut(adapter.backbone, inputs)).maps,
              options,
            ),
            version: manifest.version,
          }
        : await backbones
            .embed(adapter.backbone, inputs, adapter.layer ?? undefined)
            .then((embedded) => ({
              predictions: head.predict(embedded.embeddings, options),
              version: embedded.version,
            }));
    return c.json(
      {
        adapterId: adapter.id,
        version: adapter.activeVersion,
        backbone: { id: adapter.backbone, version },
        predictions: predictions.map(({ label, abstained, probabilities, topK }) => ({
          label,
          abstained,
          probabilities,
          topK,
        })),
      },
      200,
    );
  });
}
