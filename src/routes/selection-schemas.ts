/** The request and report shapes of backbone selection and switching, for the routes and OpenAPI. */

import { z } from "@hono/zod-openapi";
import { RANKING_RULE } from "../../adapters/selection";
import { IdSchema, SeedSchema } from "./request-bounds";

export const SelectionRequestSchema = z
  .strictObject({
    folds: z.int().min(3).max(10).optional().openapi({
      description:
        "Cross-validation folds (default 5; fewer when the smallest label has fewer samples, at least 3).",
    }),
    seed: SeedSchema.optional(),
    backbones: z.array(IdSchema).min(1).max(16).optional().openapi({
      description: "Only these backbone ids (default: every backbone of the adapter's modality).",
    }),
    includeFinetune: z.boolean().optional().openapi({
      description:
        "Also measure the leading candidate whose backbone has a trainable top with its top unfrozen (the finetune head), on the same folds, against its frozen logistic head (report.finetune). Costs minutes: about 40 s per 1,000 samples per epoch, up to 6 epochs per fold. 422 no-trainable-top when no candidate has a top this deployment can train. Default false.",
    }),
  })
  .openapi("SelectionRequest");

export const ApplyRequestSchema = z
  .strictObject({
    jobId: IdSchema.optional().openapi({
      description:
        "The selection job whose recommendation to apply (default: the adapter's latest finished selection).",
    }),
    backbone: IdSchema.optional().openapi({
      description:
        "Switch to this backbone, or a fusion of two (`lexical+use-lite`, see POST /v1/adapters), instead of a recommendation.",
    }),
    layer: IdSchema.optional().openapi({
      description: "With `backbone`: its cut layer (default: its default output).",
    }),
    seed: SeedSchema.optional(),
  })
  // One target: a request naming two would have one of them dropped without a word.
  .superRefine((request, context) => {
    if (request.jobId !== undefined && request.backbone !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["backbone"],
        message: "give jobId or backbone, not both",
      });
    }
    if (request.layer !== undefined && request.backbone === undefined) {
      context.addIssue({ code: "custom", path: ["layer"], message: "a layer needs its backbone" });
    }
  })
  .openapi("ApplySelectionRequest");

/** A switch job's stored request: where the adapter is moving. */
export const SwitchRequestSchema = z
  .object({
    backbone: z.string(),
    backboneVersion: z.string(),
    weightsHash: z.string(),
    layer: z
      .string()
      .nullable()
      .openapi({ description: "null for a fusion (its id names its layers)." }),
    dim: z.int(),
    blocks: z
      .array(z.int())
      .nullable()
      .optional()
      .openapi({ description: "A fusion's block dims." }),
    seed: z.int().optional(),
    selectionJobId: z.string().optional(),
  })
  .openapi("SwitchRequest");

const FoldStatisticSchema = z.object({
  mean: z.number(),
  standardError: z
    .number()
    .openapi({ description: "Corrected for repeated k-fold (Nadeau & Bengio)." }),
});

const CandidateReportSchema = z
  .object({
    id: z.string().openapi({
      description: "<backbone>/<layer>; a fusion's: its two parts' ids joined by +",
    }),
    backbone: z.string(),
    layer: z.string(),
    dim: z.int(),
    runtime: z.string(),
    runtimes: z.array(z.object({ backbone: z.string(), runtime: z.string() })).openapi({
      description:
        "Every backbone id running these weights at this layer, the measured one first: runtime variants (-onnx, -auto) give the same embeddings and are measured once.",
    }),
    licence: z.string(),
    sizeBytes: z.int(),
    flops: z.object({ approx: z.number(), per: z.string() }),
    availability: z.object({
      available: z.boolean(),
      reasons: z.array(z.string()),
      estimatedPeakBytes: z.number(),
      wasmHeapBytes: z.number().optional().openapi({
        description:
          "A fusion's: its networks' wasm heaps once they have embedded, added up (the manifests' figures).",
      }),
    }),
    status: z.enum(["measured", "unavailable", "failed"]),
    error: z.string().nullable().openapi({ description: "Why a failed candidate failed." }),
    metrics: z
      .object({
        folds: z.int(),
        repeats: z.int(),
        crossValidatedAccuracy: FoldStatisticSchema,
        crossValidatedMacroF1: FoldStatisticSchema,
        foldMacroF1: z.array(z.number()).openapi({
          description: "Macro-F1 per fold, repeat by repeat: the same folds for every candidate.",
        }),
        logME: z
          .number()
          .openapi({ description: "Training-free transferability (higher is better)." }),
        prototypeLeaveOneOutAccuracy: z.number(),
        latencyMsPerItem: z.number().openapi({
          description:
            "Backbone time per item at this cut layer alone: the fastest of up to 3 timed forward passes of 2 samples. A fusion's: its parts' added up, or the slower part's for two layers of one network.",
        }),
        embedMs: z.number().openapi({
          description:
            "Backbone time this candidate's steps spent: embedding the pool (a pass shared with the later cut layers of its network counts for the first of them) and timing its layer.",
        }),
        wasmHeapBytes: z.number().openapi({
          description:
            "The isolate's wasm heaps once this candidate was measured: every engine's, grown by every backbone measured so far (they never shrink), so not this candidate's own; a network's own is its heap in `GET /v1/backbones`' runtime and the README's table.",
        }),
      })
      .nullable(),
    rank: z.int().nullable(),
    nearTie: z.boolean(),
    tieTolerance: z.number().nullable().openapi({
      description:
        "How far below the best mean macro-F1 it could be and still be a near tie (cross-validation cannot separate them): max(1 pt, 2 corrected standard errors of its per-fold difference to the best). LogME ranks the near ties. A near tie ranks above the current (or chosen) candidate only when materially cheaper: ≤ 75 % of its latency or ≤ half its memory, in a tie both signals resolve.",
    }),
    paretoOptimal: z.boolean(),
  })
  .openapi("SelectionCandidate");

const HeadVariantSchema = z.object({
  variant: z.enum(["frozen", "top-unfrozen"]),
  headType: z.enum(["logistic", "finetune"]),
  crossValidatedAccuracy: FoldStatisticSchema,
  crossValidatedMacroF1: FoldStatisticSchema,
  foldMacroF1: z.array(z.number()).openapi({
    description: "Per fold, on the frozen head's cross-validation folds (its first repeat).",
  }),
  headBytes: z.int().nullable().openapi({
    description: "Largest stored head over the folds; null when no fold kept a finetuned top.",
  }),
});

const FinetuneCandidateReportSchema = z
  .object({
    candidate: z.string().nullable().openapi({
      description:
        "The leading measured candidate with a trainable top, measured again with its top unfrozen.",
    }),
    backbone: z
      .string()
      .nullable()
      .openapi({ description: "The backbone id (runtime variant) whose top was trained." }),
    status: z.enum(["measured", "failed", "not-measured"]),
    error: z.string().nullable(),
    comparison: z
      .object({
        folds: z.int(),
        repeats: z.int(),
        variants: z.array(HeadVariantSchema).openapi({ description: "Frozen first." }),
        finetunedRounds: z.int().openapi({
          description:
            "Folds in which validation kept a finetuned top (elsewhere top unfrozen falls back to the frozen head).",
        }),
        difference: z
          .number()
          .openapi({ description: "Top unfrozen's mean macro-F1 minus frozen's." }),
        tieTolerance: z.number(),
        trainingMsPerRound: z.number().openapi({
          description: "Compute time of one fold's finetune protocol, its frozen fit included.",
        }),
        recommendation: z.object({
          variant: z.enum(["frozen", "top-unfrozen"]),
          headType: z.enum(["logistic", "finetune"]),
          reason: z.string(),
        }),
        rule: z.string(),
      })
      .nullable(),
    computeMs: z.number().openapi({
      description:
        "Time spent in its steps (the cut activations and the cross-validation), beyond selectionMs.",
    }),
  })
  .openapi("FinetuneCandidateReport");

export const SelectionReportSchema = z
  .object({
    modality: z.enum(["image", "text"]),
    samples: z.int(),
    labels: z.array(z.string()),
    current: z.object({ backbone: z.string(), layer: z.string() }),
    rule: z.string().openapi({ example: RANKING_RULE }),
    candidates: z.array(CandidateReportSchema),
    paretoFront: z.array(z.string()).openapi({
      description: "Candidate ids on the cross-validated accuracy vs latency front, fastest first.",
    }),
    recommendation: z
      .object({
        id: z.string(),
        backbone: z.string(),
        layer: z.string(),
        decidedBy: z
          .enum([
            "cross-validation",
            "logme-among-unresolved",
            "current-kept",
            "cheaper-resolved-tie",
          ])
          .openapi({
            description:
              "Which signal decided: cross-validation (its folds separate the pick from every other candidate), LogME among the candidates cross-validation cannot separate from the leader, the current backbone kept (no candidate clearly better by either signal), or a materially cheaper candidate in a tie both signals resolve.",
          }),
        reason: z.string(),
      })
      .nullable(),
    notes: z.array(z.string()),
    selectionMs: z.number(),
    finetune: FinetuneCandidateReportSchema.nullable().optional().openapi({
      description: "Frozen against top unfrozen, when the request set includeFinetune.",
    }),
  })
  .openapi("SelectionReport");
