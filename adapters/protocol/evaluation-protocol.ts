import type { FitShape, HeadSpec } from "../heads/head-spec";
import { DEFAULT_FOLDS, DEFAULT_REPEATS, foldsFor } from "../selection/cross-validate";
import type { EvaluationProtocol, SplitFractions, TrainOptions } from "../types";
import { JOB_STEPS, STEP_FLOPS } from "./step-budget";

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
 * Repeats are drawn only while the repeated evaluation's worst case fits a job's budget. An MLP on
 * wide embeddings is where it matters: on lexical's 4,096 dimensions, 200 samples took 4,016 of a
 * job's 6,000 steps over 15 rounds (each up to 100 epochs of 2 sweep candidates, then a refit), and
 * 300 samples 4,951; one draw takes a third of that.
 */
export const REPEATED_CV_MAX_FLOPS = JOB_STEPS * STEP_FLOPS;

/** The head a cross-validation round fits (its sweep, then the refit), to bound what it may cost. */
export interface RoundCost {
  spec: HeadSpec;
  labels: string[];
  dim: number;
}

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
  cost: RoundCost,
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
  const folds = foldsFor(classCounts, DEFAULT_FOLDS);
  const fits = fitFlopsBounds(cost, options, total);
  const repeatedFlops = fits === null ? 0 : folds * DEFAULT_REPEATS * roundFlops(fits);
  const repeated = total <= REPEATED_CV_MAX_SAMPLES && repeatedFlops <= REPEATED_CV_MAX_FLOPS;
  const why =
    total <= REPEATED_CV_MAX_SAMPLES && !repeated
      ? `; one draw of the folds, as ${DEFAULT_REPEATS} could take up to ${Math.ceil(repeatedFlops / STEP_FLOPS)} job steps, over the ${JOB_STEPS} a job has`
      : "";
  return {
    kind: "cross-validation",
    folds,
    repeats: repeated ? DEFAULT_REPEATS : 1,
    reason: `${total} samples, smallest class ${smallest} (holdout needs ≥ ${HOLDOUT_MIN_SAMPLES} and ≥ ${HOLDOUT_MIN_PER_CLASS}): every sample is held out once per repeat${why}`,
  };
}

/**
 * The most a whole training under `protocol` can spend fitting: every round (one for a holdout),
 * then the served head's refit on every sample. Null when the head has no bound (it stops on
 * convergence, cheaply: logistic, prototype).
 */
export function trainingFlopsBound(
  protocol: EvaluationProtocol,
  cost: RoundCost,
  options: TrainOptions,
  samples: number,
): number | null {
  const fits = fitFlopsBounds(cost, options, samples);
  if (fits === null) return null;
  const rounds = protocol.kind === "cross-validation" ? protocol.folds * protocol.repeats : 1;
  return rounds * roundFlops(fits) + fits.largest;
}

/** What one round can spend: each sweep candidate fitted, then the refit of the costliest. */
function roundFlops({ sweep, largest }: FitBounds): number {
  return sweep + largest;
}

interface FitBounds {
  /** Every sweep candidate's fit, summed. */
  sweep: number;
  /** The costliest candidate's fit: what a refit may spend. */
  largest: number;
}

/**
 * Each sweep candidate's fit bounded as a fit on all `samples` (a round's train and validation folds
 * are fewer). Null when the head has no bound.
 */
function fitFlopsBounds(
  { spec, labels, dim }: RoundCost,
  options: TrainOptions,
  samples: number,
): FitBounds | null {
  const shape: FitShape = { rows: samples, dim, labels: labels.length };
  let sweep = 0;
  let largest = 0;
  for (const hyperparameters of spec.candidates(options, labels)) {
    const bound = spec.fitFlopsBound(shape, hyperparameters);
    if (bound === null) return null;
    sweep += bound;
    largest = Math.max(largest, bound);
  }
  return { sweep, largest };
}
