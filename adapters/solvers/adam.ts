import { arrayOf, type FitCheckpoint, scalarOf } from "../fit-process";
import type { FloatArray } from "../linalg/vector";

export interface AdamOptions {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export const ADAM_DEFAULTS: AdamOptions = {
  learningRate: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
};

/**
 * Adam (Kingma & Ba 2015): m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * theta -= lr * m_hat / (sqrt(v_hat) + eps) with bias corrections m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t).
 * Its moments are float64, or float32 (`Float32Array` storage) for a fit that keeps its whole state
 * in float32: each step then rounds them as it stores them, so a checkpoint of half the size is exact.
 */
export class Adam<Moments extends Float64Array | Float32Array = Float64Array> {
  private readonly m: Moments;
  private readonly v: Moments;
  private t = 0;

  constructor(
    size: number,
    private readonly options: AdamOptions = ADAM_DEFAULTS,
    storage: new (size: number) => Moments = Float64Array as never,
  ) {
    this.m = new storage(size);
    this.v = new storage(size);
  }

  scalars(): Record<string, number> {
    return { adamSteps: this.t };
  }

  arrays(): Record<string, Moments> {
    return { adamM: this.m, adamV: this.v };
  }

  restore(checkpoint: FitCheckpoint): void {
    this.restoreMoments(
      scalarOf(checkpoint, "adamSteps"),
      arrayOf(checkpoint, "adamM", this.m.length),
      arrayOf(checkpoint, "adamV", this.v.length),
    );
  }

  /** Restores moments saved with `arrays()` (of either precision) after `steps` steps. */
  restoreMoments(steps: number, m: ArrayLike<number>, v: ArrayLike<number>): void {
    if (m.length !== this.m.length || v.length !== this.v.length) {
      throw new Error(`adam: moments of length ${m.length}, expected ${this.m.length}`);
    }
    this.t = steps;
    this.m.set(m);
    this.v.set(v);
  }

  step(theta: FloatArray, gradient: FloatArray): void {
    const { learningRate, beta1, beta2, epsilon } = this.options;
    this.t++;
    const correction1 = 1 - beta1 ** this.t;
    const correction2 = 1 - beta2 ** this.t;
    for (let j = 0; j < theta.length; j++) {
      const g = gradient[j] as number;
      const m = beta1 * (this.m[j] as number) + (1 - beta1) * g;
      const v = beta2 * (this.v[j] as number) + (1 - beta2) * g * g;
      this.m[j] = m;
      this.v[j] = v;
      theta[j] =
        (theta[j] as number) -
        (learningRate * (m / correction1)) / (Math.sqrt(v / correction2) + epsilon);
    }
  }
}
