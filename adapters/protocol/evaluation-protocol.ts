import { DEFAULT_FOLDS, DEFAULT_REPEATS, foldsFor } from "../selection/cross-validate";
import type { EvaluationProtocol, SplitFractions, TrainOptions } from "../types";

/**
 * When a single held-out split is worth its cost: at least this many samples and this many in the
 * smallest class. Then the 20 % test split holds ≥ 400 samples (a 95 % Wilson interval on accuracy
 * no wider than ±5 points) and ≥ 10 of every class, and the head loses little by not seeing them
 * during evaluation. Below it, repeated stratified k-fold cross-validation: every sample is tested
 * once per repeat, and k·r heads cost about k·r fits of a pool small enough for that to be cheap.
 */
export const HOLDOUT_MIN_SAMPLES = 2000;
export const HOLDOUT_MIN_PER_CLASS = 50;
/**
 * Up to this many samples the k folds are drawn DEFAULT_REPEATS times, which averages out how the
 * few samples happened to fall; above it one draw, whose fold-to-fold spread is already small, and
 * k fits instead of k·r keep larger trainings short.
 */
export const REPEATED_CV_MAX_SAMPLES = 300;

/**
 * The protocol behind a training's held-out numbers. The served head is refitted on every sample
 * in both (train-head.ts); the protocol only decides how its quality is estimated.
 * - `testFraction` or `fractions` in the options: the user asked for a fixed test split (holdout).
 * - otherwise holdout when there is enough data (above), else cross-validation.
 */
export function evaluationProtocol(
  classCounts: number[],
  options: TrainOptions,
  fractions: SplitFractions,
): EvaluationProtocol {
  const total = classCounts.reduce((a, b) => a + b, 0);
  const smallest = Math.min(...classCounts);
  if (options.testFraction !== undefined || options.fractions !== undefined) {
    return { kind: "holdout", fractions, reason: "a fixed test split was requested" };
  }
  if (total >= HOLDOUT_MIN_SAMPLES && smallest >= HOLDOUT_MIN_PER_CLASS) {
    return {
      kind: "holdout",
      fractions,
      reason: `${total} samples (≥ ${HOLDOUT_MIN_SAMPLES}), smallest class ${smallest} (≥ ${HOLDOUT_MIN_PER_CLASS}): one held-out split is precise enough`,
    };
  }
  return {
    kind: "cross-validation",
    folds: foldsFor(classCounts, DEFAULT_FOLDS),
    repeats: total <= REPEATED_CV_MAX_SAMPLES ? DEFAULT_REPEATS : 1,
    reason: `${total} samples, smallest class ${smallest} (holdout needs ≥ ${HOLDOUT_MIN_SAMPLES} and ≥ ${HOLDOUT_MIN_PER_CLASS}): every sample is held out once per repeat`,
  };
}
