import type { Matrix } from "../linalg/matrix";
import { softmaxWithTemperature } from "../linalg/softmax";
import { logLoss } from "../metrics/log-loss";

/** Temperatures searched; cosine logits (prototype heads) need T near 0.05, overfit logits T > 1. */
export const TEMPERATURE_RANGE = { min: 0.01, max: 100 } as const;
const GOLDEN = (Math.sqrt(5) - 1) / 2;
const ITERATIONS = 60;

/**
 * Temperature scaling (Guo et al. 2017): the T minimising the log loss of softmax(z / T) on held-out
 * data. The loss is convex in 1/T, hence unimodal in log T, so a golden-section search on log T over
 * TEMPERATURE_RANGE finds it (60 steps shrink the interval by 0.618^60, far below float precision of T).
 */
export function fitTemperature(logits: Matrix, y: Int32Array): number {
  const loss = (logT: number) => logLoss(softmaxWithTemperature(logits, Math.exp(logT)), y);
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
