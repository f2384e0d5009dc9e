import { LIMITS as HEAD_LIMITS, type HeadType, stepBudgetRefusal } from "../../adapters";
import { Problem } from "../problem";
import type { SampleCounts, TrainRequest } from "../storage/records";
import { assertTrainingBudget } from "../tenant-limits";
import { trainingOptions } from "./training-steps";

const MINIMUM_CLASSES = 2;

/**
 * Refuses, before a job is queued, to train on data that no head could learn from. Selection's
 * stratified k-fold needs the same: at least 3 folds, so 3 samples of every label.
 */
export function assertTrainable(
  counts: SampleCounts,
  purpose: "training" | "k-fold cross-validation" = "training",
  counted = "samples",
): void {
  const minimum = {
    minimumClasses: MINIMUM_CLASSES,
    minimumSamplesPerClass: HEAD_LIMITS.minSamplesPerClass,
  };
  if (counts.labels.length < MINIMUM_CLASSES) {
    throw new Problem(
      422,
      "too-few-samples",
      `${purpose} needs at least ${MINIMUM_CLASSES} labels; this adapter has ${counts.labels.length}`,
      { ...minimum, labels: counts.labels },
    );
  }
  const short = counts.labels.filter(({ count }) => count < HEAD_LIMITS.minSamplesPerClass);
  if (short.length > 0) {
    const names = short.map(({ label, count }) => `"${label}" (${count})`).join(", ");
    throw new Problem(
      422,
      "too-few-samples",
      `${purpose} needs at least ${HEAD_LIMITS.minSamplesPerClass} ${counted} of every label; short: ${names}`,
      { ...minimum, labels: counts.labels },
    );
  }
}

/**
 * The adapter's samples at `dim` dimensions within the training budget (a job would hold them all),
 * with an MLP's `hiddenUnits` when the training is one.
 */
export function assertWithinTrainingBudget(
  counts: SampleCounts,
  dim: number,
  what: string,
  hiddenUnits = 0,
): void {
  assertTrainingBudget(
    { samples: counts.total, labels: counts.labels.length, hiddenUnits },
    dim,
    what,
  );
}

/**
 * A training that could only fail for its step budget (work-budget-exceeded, after running out its
 * steps) is refused now: `distinct` counts the samples as its protocol will (identical embeddings
 * once), `stepFlops` is the job's step size.
 */
export function assertFinishable(
  distinct: SampleCounts,
  dim: number,
  headType: HeadType,
  request: TrainRequest,
  stepFlops: number,
): void {
  const refusal = stepBudgetRefusal(
    {
      headType,
      options: trainingOptions(request),
      classCounts: distinct.labels.map(({ count }) => count),
      labels: distinct.labels.map(({ label }) => label),
      dim,
    },
    stepFlops,
  );
  if (refusal !== null) throw new Problem(422, "invalid-options", refusal);
}

/**
 * A per-label `classWeight` names labels the adapter has: the request's own check cannot know them,
 * and the job would otherwise fail on it after being queued.
 */
export function assertClassWeightLabels(
  counts: SampleCounts,
  hyperparameters: Record<string, unknown> = {},
): void {
  const weights = hyperparameters.classWeight;
  if (typeof weights !== "object" || weights === null) return;
  const known = new Set(counts.labels.map(({ label }) => label));
  const unknown = Object.keys(weights).find((label) => !known.has(label));
  if (unknown !== undefined) {
    throw new Problem(
      422,
      "invalid-options",
      `hyperparameters.classWeight names ${JSON.stringify(unknown)}, which is not a label of this adapter`,
      { labels: [...known] },
    );
  }
  // A label weighted 0 drops out of the loss; a head needs two labels left to tell apart.
  const byLabel = new Map(Object.entries(weights));
  const weighed = [...known].filter((label) => byLabel.get(label) !== 0);
  if (weighed.length < 2) {
    throw new Problem(
      422,
      "invalid-options",
      `hyperparameters.classWeight leaves ${weighed.length === 0 ? "no label" : `only ${JSON.stringify(weighed[0])}`} with a weight above 0; a head needs at least 2 labels to tell apart (labels not named weigh 1)`,
      { labels: [...known] },
    );
  }
}
