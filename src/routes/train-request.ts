/**
 * The body of POST /v1/adapters/{adapterId}/train, and its check against the head type it trains:
 * a value the head would refuse is a 422 now, not a failed job later.
 */

import { z } from "@hono/zod-openapi";
import { validateTrainOptions } from "../../adapters";
import { unwrap } from "../storage/outcome";
import type { TenantStoreClient } from "../tenants/stores";
import { HeadTypeSchema } from "./adapters";
import { gridSchema, HyperparametersSchema, SeedSchema } from "./request-bounds";

export const TrainRequestSchema = z
  .object({
    headType: HeadTypeSchema.optional().openapi({
      description: "Defaults to the adapter's head type.",
    }),
    activate: z.boolean().optional().openapi({
      description: "Make the new version active when it is ready (the first version always is).",
    }),
    seed: SeedSchema.optional(),
    testFraction: z.number().gt(0).max(0.5).optional().openapi({
      description:
        "Hold out this share of the samples as a fixed test split for the report (a quarter of the rest validates). Default: repeated stratified k-fold cross-validation below 2,000 samples, a 20 % test split above. The served head is fitted on every sample either way.",
    }),
    fractions: z
      .object({
        train: z.number().positive(),
        validation: z.number().positive(),
        test: z.number().positive(),
      })
      .optional(),
    targetPrecision: z.number().gt(0).max(1).optional().openapi({
      description: "Choose an abstain threshold on validation that reaches this precision.",
    }),
    sweep: z
      .object({
        cGrid: gridSchema(z.number().positive()).optional(),
        weightDecayGrid: gridSchema(z.number().nonnegative()).optional(),
      })
      .optional(),
    hyperparameters: HyperparametersSchema.optional().openapi({
      description:
        'Fixed hyperparameters of the head type: logistic `classWeight` ("balanced"), `maxIterations`, `tol`; mlp `hiddenUnits`, `dropout`, `learningRate`, `batchSize`, `maxEpochs`, `patience`.',
    }),
  })
  .openapi("TrainRequest");

export type TrainRequestBody = z.infer<typeof TrainRequestSchema>;

/** Refuses (422 invalid-options) a request that the head type it trains would refuse in the job. */
export async function assertTrainOptions(
  store: TenantStoreClient,
  adapterId: string,
  request: TrainRequestBody,
): Promise<void> {
  const headType = request.headType ?? unwrap(await store.getAdapter(adapterId)).headType;
  const { headType: _, activate: __, ...options } = request;
  // A HeadInputError becomes a 422 problem (src/errors.ts).
  validateTrainOptions(headType, options);
}
