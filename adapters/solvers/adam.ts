import { arrayOf, type FitCheckpoint, scalarOf } from "../fit-process";

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
 */
export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(
    size: number,
    private readonly options: AdamOptions = ADAM_DEFAULTS,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  scalars(): Record<string, number> {
    return { adamSteps: this.t };
  }

  arrays(): Record<string, Float64Array> {
    return { adamM: this.m, adamV: this.v };
  }

  restore(checkpoint: FitCheckpoint): void {
    this.t = scalarOf(checkpoint, "adamSteps");
    this.m.set(arrayOf(checkpoint, "adamM", this.m.length));
    this.v.set(arrayOf(checkpoint, "adamV", this.v.length));
  }

  step(theta: Float64Array, gradient: Float64Array): void {
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
