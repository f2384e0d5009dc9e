import type { Matrix } from "../linalg/matrix";

/** Temperatures searched; cosine logits (prototype heads) need T near 0.05, overfit logits T > 1. */
export const TEMPERATURE_RANGE = { min: 0.01, max: 100 } as const;
const GOLDEN = (Math.sqrt(5) - 1) / 2;
const ITERATIONS = 60;

/**
 * Temperature scaling (Guo et al. 2017): the T minimising the cross-entropy of softmax(z / T) on
 * held-out data. The targets are smoothed by Laplace's rule of succession, 1 - 1/(n + 2) on the true
 * class: otherwise a small, perfectly classified validation set drives T to 0 and every later
 * prediction to probability 1. For large n this is plain temperature scaling.
 * Smoothing must not make things worse either: a T that raises the cross-entropy against the true
 * labels above that of T = 1 (it softens logits that were confident and right) is not used.
 * The loss is convex in 1/T, hence unimodal in log T, so a golden-section search on log T over
 * TEMPERATURE_RANGE finds it (60 steps shrink the interval by 0.618^60).
 */
export function fitTemperature(logits: Matrix, y: Int32Array): number {
  const fitted = minimiseSmoothedLoss(logits, y, 1 / (y.length + 2));
  const trueLabelLoss = (temperature: number) => smoothedCrossEntropy(logits, y, temperature, 0);
  return trueLabelLoss(fitted) <= trueLabelLoss(1) ? fitted : 1;
}

function minimiseSmoothedLoss(logits: Matrix, y: Int32Array, smoothing: number): number {
  const loss = (logT: number) => smoothedCrossEntropy(logits, y, Math.exp(logT), smoothing);
  let lo = Math.log(TEMPERATURE_RANGE.min);
  let hi = Math.log(TEMPERATURE_RANGE.max);
  let a = hi - GOLDEN * (hi - lo);
  let b = lo + GOLDEN * (hi - lo);
  let lossA = loss(a);
  let lossB = loss(b);
  for (let i = 0; i < ITERATIONS; i++) {
    if (lossA <= lossB) {
      hi = b;
      b = a;
      lossB = lossA;
      a = hi - GOLDEN * (hi - lo);
      lossA = loss(a);
    } else {
      lo = a;
      a = b;
      lossA = lossB;
      b = lo + GOLDEN * (hi - lo);
      lossB = loss(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/**
 * Mean cross-entropy of softmax(z / T) against targets 1 - s on the true class and s / (K - 1) on
 * each other class, from log-softmax directly so no probability underflows to log 0.
 */
function smoothedCrossEntropy(
  logits: Matrix,
  y: Int32Array,
  temperature: number,
  smoothing: number,
): number {
  const { rows, cols, data } = logits;
  const other = smoothing / (cols - 1);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < cols; k++)
      max = Math.max(max, (data[i * cols + k] as number) / temperature);
    let sum = 0;
    for (let k = 0; k < cols; k++)
      sum += Math.exp((data[i * cols + k] as number) / temperature - max);
    const logSumExp = max + Math.log(sum);
    for (let k = 0; k < cols; k++) {
      const logP = (data[i * cols + k] as number) / temperature - logSumExp;
      total -= (k === y[i] ? 1 - smoothing : other) * logP;
    }
  }
  return total / rows;
}
