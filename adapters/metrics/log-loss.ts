import type { Matrix } from "../linalg/matrix";

/** Probabilities are clipped to [1e-15, 1] first, as scikit-learn's log_loss does, so one 0 stays finite. */
const CLIP = 1e-15;

/** Mean negative log-likelihood of the true class: -(1/n) sum_i log p_{i, y_i}. */
export function logLoss(probabilities: Matrix, y: Int32Array): number {
  let total = 0;
  for (let i = 0; i < y.length; i++) total += sampleLogLoss(probabilities, y, i);
  return total / y.length;
}

/** Each sample's negative log-likelihood of its true class, -log p_{i, y_i}. */
export function sampleLogLosses(probabilities: Matrix, y: Int32Array): Float64Array {
  return Float64Array.from(y, (_, i) => sampleLogLoss(probabilities, y, i));
}

function sampleLogLoss(probabilities: Matrix, y: Int32Array, i: number): number {
  const p = probabilities.data[i * probabilities.cols + (y[i] as number)] as number;
  return -Math.log(Math.max(p, CLIP));
}
