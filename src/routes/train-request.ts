/**
 * The body of POST /v1/adapters/{adapterId}/train, and its check against the head type it trains:
 * a value the head would refuse is a 422 now, not a failed job later.
 */

import { z } from "@hono/zod-openapi";
import {
  DEFAULT_L2SP_GRID,
  DEFAULT_LEARNING_RATE_GRID,
  validateAdapterTrainOptions,
} from "../../adapters";
import type { BackbonePool } from "../runtime/backbones";
import { unwrap } from "../storage/outcome";
import { finetuneTop } from "../tenants/finetune-top";
import type { TenantStoreClient } from "../tenants/stores";
import { HeadTypeSchema } from "./adapters";
import { gridSchema, HyperparametersSchema, SeedSchema } from "./request-bounds";

export const TrainRequestSchema = z
  .strictObject({
    headType: HeadTypeSchema.optional().openapi({
      description: "Defaults to the adapter's head type.",
    }),
    activate: z.boolean().optional().openapi({
      description: "Make the new version active when it is ready (the first version always is).",
    }),
    seed: SeedSchema.optional(),
    testFraction: z.number().gt(0).max(0.5).optional().openapi({
      description:
        "Hold out this share of the samples as a fixed test split for the report (a quarter of the rest validates). Default: stratified k-fold cross-validation (repeated up to 300 samples) below 2,000 samples or 50 in the smallest label, else a 20 % test split. The served head is fitted on every sample either way.",
    }),
    fractions: z
      .strictObject({
        train: z.number().positive(),
        validation: z.number().positive(),
        test: z.number().positive(),
      })
      .optional(),
    targetPrecision: z.number().gt(0).lt(1).optional().openapi({
      description:
        "Choose an abstain threshold on the held-out predictions that reaches this precision, over at least ⌈1 / (1 − targetPrecision)⌉ answers (20 at 0.95); below 1, which no finite set of answers shows.",
    }),
    sweep: z
      .strictObject({
        cGrid: gridSchema(z.number().positive()).optional(),
        weightDecayGrid: gridSchema(z.number().nonnegative()).optional(),
        learningRateGrid: gridSchema(z.number().positive())
          .optional()
          .openapi({
            description: `Finetune: the top's learning rates, swept (default ${JSON.stringify(DEFAULT_LEARNING_RATE_GRID)}).`,
          }),
        l2spGrid: gridSchema(z.number().nonnegative())
          .optional()
          .openapi({
            description: `Finetune: L2-SP strengths (the pull of the top towards its pretrained weights), swept (default ${JSON.stringify(DEFAULT_L2SP_GRID)}).`,
          }),
      })
      .optional(),
    hyperparameters: HyperparametersSchema.optional().openapi({
      description:
        'Fixed hyperparameters of the head type: logistic `classWeight` ("balanced", or a weight per label: `{"spam": 3}`), `maxIterations`, `tol`; mlp `hiddenUnits`, `dropout`, `learningRate`, `batchSize`, `maxEpochs`, `patience`; finetune `batchSize`, `maxEpochs`, `patience`.',
    }),
  })
  .openapi("TrainRequest");

export type TrainRequestBody = z.infer<typeof TrainRequestSchema>;

/**
 * Refuses (422 invalid-options) a request that the head type it trains would refuse in the job, and
 * a finetune head on an adapter whose backbone has no trainable top (422 no-trainable-top).
 */
export async function assertTrainOptions(
  store: TenantStoreClient,
  pool: BackbonePool,
  adapterId: string,
  request: TrainRequestBody,
): Promise<void> {
  const adapter = unwrap(await store.getAdapter(adapterId));
  const headType = request.headType ?? adapter.headType;
  if (headType === "finetune") finetuneTop(pool, adapter);
  const { headType: _, activate: __, ...options } = request;
  // A HeadInputError becomes a 422 problem (src/errors.ts).
  validateAdapterTrainOptions(headType, options);
}
