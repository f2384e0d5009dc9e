import { HeadInputError } from "../errors";
import { HEAD_SPECS } from "../heads/registry";
import { fromRows } from "../linalg/matrix";
import {
  type BackboneRef,
  HEAD_TYPES,
  type HeadType,
  type LabelledEmbedding,
  type TrainedHead,
  type TrainingReport,
  type TrainOptions,
  type TrainProgress,
} from "../types";
import { deduplicate } from "./deduplicate";
import { FitRun, type FitRunCheckpoint } from "./fit-run";
import { type ProgressListener, progressReporter } from "./progress";
import { STEP_FLOPS } from "./step-budget";
import { type SplitIndices, stratifiedSplit } from "./stratified-split";
import { protocolOptions } from "./validate-options";
import { checkClassCounts, validateSamples } from "./validate-samples";

export interface TrainHeadInput {
  headType: HeadType;
  backbone: BackboneRef;
  samples: LabelledEmbedding[];
  options?: TrainOptions;
  onProgress?: ProgressListener;
}

/** Where a training stands between two steps; see FitRunCheckpoint. */
export interface TrainingCheckpoint {
  fit: FitRunCheckpoint;
  /** Time spent computing in the steps so far (wall time between steps is not counted). */
  computeMs: number;
}

/**
 * The whole training protocol, the same for every head type: validate, deduplicate, stratified
 * split, hyperparameter sweep on validation, calibration, refit, and a report on the test split.
 * A process of bounded steps (`advance`), resumable from a checkpoint on the same samples: the
 * preparation is deterministic, so it is redone on resume rather than stored.
 * Throws HeadInputError for bad input, when constructed.
 */
export class TrainingRun {
  private readonly prepared: ReturnType<typeof prepare>;
  private readonly fit: FitRun;
  private computeMs: number;
  private readonly headType: HeadType;

  constructor(input: Omit<TrainHeadInput, "onProgress">, resume?: TrainingCheckpoint) {
    this.headType = input.headType;
    // The samples themselves are not kept: the prepared matrix holds what the fit needs.
    this.prepared = prepare(input);
    const { X, y, labels, split, targetPrecision } = this.prepared;
    this.fit = new FitRun(
      {
        spec: HEAD_SPECS[input.headType],
        backbone: input.backbone,
        options: input.options ?? {},
        targetPrecision,
        X,
        y,
        labels,
        split,
      },
      resume?.fit,
    );
    this.computeMs = resume?.computeMs ?? 0;
  }

  get done(): boolean {
    return this.fit.done;
  }

  get progress(): TrainProgress {
    const { stage, fraction, message } = this.fit.progress;
    return { stage, fraction: 0.1 + 0.85 * fraction, message };
  }

  /** One step: about `flops` of work (see step-budget.ts); returns the flops spent. */
  advance(flops = STEP_FLOPS): number {
    const started = performance.now();
    const spent = this.fit.advance(flops);
    this.computeMs += performance.now() - started;
    return spent;
  }

  checkpoint(): TrainingCheckpoint {
    return { fit: this.fit.checkpoint(), computeMs: this.computeMs };
  }

  result(): { head: TrainedHead; report: TrainingReport } {
    const { rawCount, deduplicated, labels, y, split, seed, fractions } = this.prepared;
    const { head, ...results } = this.fit.result;
    const report: TrainingReport = {
      headType: this.headType,
      backbone: head.backbone,
      seed,
      fractions,
      samples: {
        raw: rawCount,
        afterDedup: deduplicated.samples,
        duplicatesRemoved: deduplicated.duplicatesRemoved,
        conflictingDuplicates: deduplicated.conflictingDuplicates,
        perSplit: {
          train: split.train.length,
          validation: split.validation.length,
          test: split.test.length,
        },
        perClass: perClassCounts(labels, y, split),
      },
      ...results,
      serializedBytes: head.serialize().length,
      fitTimeMs: this.computeMs,
    };
    return { head, report };
  }
}

/**
 * Trains to the end in one call, reporting progress (and yielding to the event loop) between steps.
 */
export async function trainHead(
  input: TrainHeadInput,
): Promise<{ head: TrainedHead; report: TrainingReport }> {
  const report = progressReporter(input.onProgress);
  await report("validate", 0, `checking ${input.samples?.length ?? 0} samples`);
  const run = new TrainingRun(input);
  const { fractions, seed } = protocolOptions(input.options);
  await report(
    "split",
    0.05,
    `stratified ${fractions.train}/${fractions.validation}/${fractions.test} split, seed ${seed}`,
  );
  while (!run.done) {
    const { stage, fraction, message } = run.progress;
    await report(stage, fraction, message);
    run.advance();
  }
  const result = run.result();
  await report("evaluate", 1, `test accuracy ${result.report.test.accuracy.toFixed(4)}`);
  return result;
}

/** Validation, deduplication and the split: cheap and deterministic, so never checkpointed. */
export function prepare(input: Omit<TrainHeadInput, "onProgress">) {
  if (!HEAD_TYPES.includes(input.headType)) {
    throw new HeadInputError(
      "invalid-options",
      `headType must be one of ${HEAD_TYPES.join(", ")}, got ${input.headType}`,
    );
  }
  const { seed, fractions, targetPrecision } = protocolOptions(input.options);
  validateSamples(input.samples, input.backbone);
  const deduplicated = deduplicate(input.samples);
  const counts = new Map<string, number>();
  for (const { label } of deduplicated.samples) counts.set(label, (counts.get(label) ?? 0) + 1);
  checkClassCounts(counts);

  const labels = [...counts.keys()].sort();
  const classOf = new Map(labels.map((label, k) => [label, k]));
  const y = Int32Array.from(deduplicated.samples, ({ label }) => classOf.get(label) as number);
  const X = fromRows(
    deduplicated.samples.map((s) => s.features),
    input.backbone.dim,
  );
  const split = stratifiedSplit(y, labels.length, fractions, seed);
  return {
    seed,
    fractions,
    targetPrecision,
    rawCount: input.samples.length,
    deduplicated: {
      samples: deduplicated.samples.length,
      duplicatesRemoved: deduplicated.duplicatesRemoved,
      conflictingDuplicates: deduplicated.conflictingDuplicates,
    },
    labels,
    y,
    X,
    split,
  };
}

function perClassCounts(
  labels: string[],
  y: Int32Array,
  split: SplitIndices,
): TrainingReport["samples"]["perClass"] {
  const counts = labels.map(() => ({ train: 0, validation: 0, test: 0 }));
  for (const part of ["train", "validation", "test"] as const) {
    for (const i of split[part]) (counts[y[i] as number] as Record<typeof part, number>)[part]++;
  }
  return Object.fromEntries(
    labels.map((label, k) => [
      label,
      counts[k] as { train: number; validation: number; test: number },
    ]),
  );
}
