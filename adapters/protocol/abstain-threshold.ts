import { argmaxRows, type Matrix } from "../linalg/matrix";

export interface SelectivePerformance {
  /** Accuracy among the answered samples; null when none is answered (it would be 0 / 0). */
  precision: number | null;
  /** Fraction of samples answered. */
  coverage: number;
}

export interface AbstainThreshold extends SelectivePerformance {
  /** Answer when the top probability is >= threshold; null when the target cannot be reached. */
  threshold: number | null;
}

/**
 * The fewest answered predictions at which a precision of `targetPrecision` means anything: enough
 * for the target to allow one error, ⌈1 / (1 − target)⌉ (20 at 0.95, 100 at 0.99; none at 1).
 * On fewer, one error already misses the target, so a run of lucky right answers (one confident
 * correct prediction out of 270) would pass for the target while it says nothing about it.
 */
export function minimumAnswered(targetPrecision: number): number {
  return targetPrecision >= 1
    ? Number.POSITIVE_INFINITY
    : Math.ceil(1 / (1 - targetPrecision) - 1e-9);
}

/**
 * The lowest confidence threshold whose answered set reaches the target precision on at least
 * `minimumAnswered` predictions, i.e. the largest coverage that does. Candidates are the distinct
 * top probabilities (sorted descending), so tied confidences are answered or refused together, as
 * they will be at prediction time.
 */
export function chooseAbstainThreshold(
  probabilities: Matrix,
  y: Int32Array,
  targetPrecision: number,
): AbstainThreshold {
  const { confidence, correct } = confidenceAndCorrectness(probabilities, y);
  const order = Array.from(confidence.keys()).sort(
    (a, b) => (confidence[b] as number) - (confidence[a] as number),
  );
  let best: AbstainThreshold = { threshold: null, precision: null, coverage: 0 };
  const support = minimumAnswered(targetPrecision);
  let answered = 0;
  let right = 0;
  order.forEach((i, rank) => {
    answered++;
    if (correct[i]) right++;
    const next = order[rank + 1];
    const endOfTie = next === undefined || confidence[next] !== confidence[i];
    if (endOfTie && answered >= support && right / answered >= targetPrecision) {
      best = {
        threshold: confidence[i] as number,
        precision: right / answered,
        coverage: answered / y.length,
      };
    }
  });
  return best;
}

/** Precision and coverage when answering only samples whose top probability is >= threshold. */
export function selectivePerformance(
  probabilities: Matrix,
  y: Int32Array,
  threshold: number | null,
): SelectivePerformance {
  if (threshold === null) return { precision: null, coverage: 0 };
  const { confidence, correct } = confidenceAndCorrectness(probabilities, y);
  let answered = 0;
  let right = 0;
  confidence.forEach((c, i) => {
    if (c < threshold) return;
    answered++;
    if (correct[i]) right++;
  });
  return { precision: answered > 0 ? right / answered : null, coverage: answered / y.length };
}

function confidenceAndCorrectness(probabilities: Matrix, y: Int32Array) {
  const predicted = argmaxRows(probabilities);
  const confidence = Float64Array.from(
    predicted,
    (k, i) => probabilities.data[i * probabilities.cols + k] as number,
  );
  const correct = Array.from(predicted, (k, i) => k === y[i]);
  return { confidence, correct };
}
