/** The training report stored with every head version, for OpenAPI (adapters' TrainingReport). */

import { z } from "@hono/zod-openapi";
import { HeadTypeSchema } from "./adapters";
import { HyperparameterValueSchema } from "./request-bounds";

const IntervalSchema = z
  .object({
    value: z.number(),
    low: z.number(),
    high: z.number(),
    method: z.string().openapi({ example: "Wilson score interval, 95 %, on 80 samples" }),
  })
  .openapi({ description: "A held-out estimate with its 95 % interval." });

const FractionsSchema = z.object({
  train: z.number(),
  validation: z.number(),
  test: z.number(),
});

const ProtocolSchema = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("cross-validation"),
      folds: z.int(),
      repeats: z.int(),
      reason: z.string(),
    }),
    z.object({ kind: z.literal("holdout"), fractions: FractionsSchema, reason: z.string() }),
  ])
  .openapi({
    description:
      "How the held-out numbers were produced: repeated stratified k-fold cross-validation below 2,000 samples or 50 in the smallest class, else (or when `testFraction`/`fractions` is given) one stratified holdout split. The served head is fitted on every sample either way.",
  });

const ClassMetricsSchema = z.object({
  label: z.string(),
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
  support: z.int(),
});

const MetricsSchema = z.object({
  samples: z.int(),
  accuracy: z.number(),
  macro: z.object({ precision: z.number(), recall: z.number(), f1: z.number() }),
  perClass: z.array(ClassMetricsSchema),
  confusionMatrix: z.object({ labels: z.array(z.string()), matrix: z.array(z.array(z.int())) }),
  logLoss: z.number(),
  expectedCalibrationError: z.object({
    value: z.number(),
    bins: z.int(),
    reliability: z
      .array(
        z.object({
          lower: z.number(),
          upper: z.number(),
          count: z.int(),
          confidence: z.number(),
          accuracy: z.number(),
        }),
      )
      .openapi({
        description:
          "The reliability diagram: equal-width bins of the top probability, each with its mean confidence and accuracy.",
      }),
  }),
});

const HeldOutPredictionSchema = z.object({
  hash: z
    .string()
    .nullable()
    .openapi({ description: "The sample's content hash (SHA-256 of its upload)." }),
  label: z.string(),
  predicted: z.string(),
  confidence: z.number(),
});

const HyperparametersSchema = z.record(z.string(), HyperparameterValueSchema);

const EpochLossSchema = z.object({ epoch: z.int(), validationLoss: z.number() });

const SweepRowSchema = z.object({
  hyperparameters: HyperparametersSchema,
  validationAccuracy: z.number(),
  validationLogLoss: z.number(),
  iterations: z.number(),
  converged: z.boolean(),
  epochs: z.array(EpochLossSchema).optional().openapi({
    description:
      "The learning curve of a head that trains in epochs (the MLP): the validation loss after each epoch; in cross-validation, the mean over the rounds, up to the last epoch every round trained (a mean over the rounds still training would fall where a round with a high loss stopped).",
  }),
});

export const TrainingReportSchema = z
  .object({
    headType: HeadTypeSchema,
    backbone: z.object({
      id: z.string(),
      weightsHash: z.string(),
      dim: z.int(),
      blocks: z.array(z.int()).optional().openapi({
        description:
          "A fusion's: the dims of its backbones' vectors, concatenated in this order (they add up to dim); absent for one backbone.",
      }),
    }),
    seed: z.int(),
    samples: z.object({
      raw: z.int(),
      afterDedup: z.int(),
      duplicatesRemoved: z.int(),
      conflictingDuplicates: z.int(),
      servedHeadTrainedOn: z.int().openapi({
        description:
          "Samples the served head was fitted on: all of them, except a finetune head (its train split: validation stops it) and a finetune's frozen fallback (train + validation).",
      }),
      perClass: z.record(z.string(), z.int()),
    }),
    evaluation: z.object({
      protocol: ProtocolSchema,
      samples: z.int().openapi({
        description:
          "Distinct samples the estimates rest on (every sample in cross-validation, the test split in holdout).",
      }),
      predictions: z
        .int()
        .openapi({ description: "Held-out predictions behind them (samples × repeats)." }),
      accuracy: IntervalSchema,
      macroF1: IntervalSchema,
      metrics: MetricsSchema.openapi({
        description:
          "Per-class metrics and confusion matrix of the first repeat's out-of-fold predictions (every sample once), or of the test split.",
      }),
      perSample: z.array(HeldOutPredictionSchema).openapi({
        description:
          "The predictions behind `metrics`, sample by sample (the confusion matrix's cells; at most 2,000, in sample order).",
      }),
    }),
    hyperparameters: z.object({
      chosen: HyperparametersSchema,
      fixed: HyperparametersSchema.optional().openapi({
        description:
          "What the request fixed rather than swept (`hyperparameters` of the train request, e.g. a logistic head's `classWeight`). Absent in versions trained before it was reported.",
      }),
      selection: z.string(),
      sweep: z.array(SweepRowSchema),
    }),
    calibration: z.object({
      method: z.literal("temperature-scaling"),
      temperature: z.number(),
      fittedOn: z.enum(["out-of-fold", "validation"]),
      samples: z.int(),
      logLossBefore: z.number(),
      logLossAfter: z.number(),
    }),
    abstain: z
      .object({
        targetPrecision: z.number(),
        threshold: z.number().nullable(),
        reachable: z.boolean(),
        fittedOn: z.enum(["out-of-fold", "validation"]),
        precision: z.number().nullable().openapi({
          description: "Accuracy among the answered predictions; null when none is answered.",
        }),
        coverage: z.number(),
        test: z.object({ precision: z.number().nullable(), coverage: z.number() }).nullable(),
      })
      .nullable(),
    serializedBytes: z.int(),
    fitTimeMs: z.number(),
    finetune: z
      .object({
        frozenValidation: SweepRowSchema,
        candidates: z.array(SweepRowSchema.extend({ epochs: z.array(EpochLossSchema) })),
        chosen: z.union([z.literal("frozen"), z.int()]),
        note: z.string().optional(),
      })
      .optional()
      .openapi({
        description:
          "A finetune training's choice: the frozen head's validation row, each candidate's at its kept epoch with its validation loss per epoch, and the chosen candidate's index, or \"frozen\" (then the version is the frozen logistic head); a `note` when the validation split was too thin (under 5 samples of a label) to train a top at all.",
      }),
  })
  .openapi("TrainingReport");
