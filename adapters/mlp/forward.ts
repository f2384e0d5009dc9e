import { multiplyByTransposed } from "../linalg/gemm";
import type { MlpLayout } from "./layout";

export interface Activations {
  /** Hidden activations h = relu(W1 x + b1) * dropout, B x H. */
  hidden: Float64Array;
  /** dh/da per unit: 0 where the ReLU is off or the unit dropped, else the dropout scale; B x H. */
  hiddenMask: Float64Array;
  /** Logits W2 h + b2, B x K. */
  logits: Float64Array;
}

export function allocateActivations(layout: MlpLayout, batchSize: number): Activations {
  return {
    hidden: new Float64Array(batchSize * layout.hiddenUnits),
    hiddenMask: new Float64Array(batchSize * layout.hiddenUnits),
    logits: new Float64Array(batchSize * layout.classCount),
  };
}

/**
 * Forward pass for `rows` rows of X. `keep` returns the inverted-dropout factor of each hidden unit
 * (0 or 1 / (1 - p) while training, always 1 at inference).
 */
export function forward(
  theta: Float64Array,
  layout: MlpLayout,
  X: Float64Array,
  rows: number,
  keep: () => number,
  out: Activations,
): void {
  const { featureCount: d, hiddenUnits: h, classCount: k } = layout;
  multiplyByTransposed(X, theta.subarray(layout.w1, layout.b1), rows, h, d, out.hidden);
  for (let i = 0; i < rows; i++) {
    for (let u = 0; u < h; u++) {
      const a = (out.hidden[i * h + u] as number) + (theta[layout.b1 + u] as number);
      const mask = a > 0 ? keep() : 0;
      out.hiddenMask[i * h + u] = mask;
      out.hidden[i * h + u] = a * mask;
    }
  }
  multiplyByTransposed(out.hidden, theta.subarray(layout.w2, layout.b2), rows, k, h, out.logits);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < k; c++) {
      out.logits[i * k + c] = (out.logits[i * k + c] as number) + (theta[layout.b2 + c] as number);
    }
  }
}
