import {
  Classifier,
  classCountOf,
  type EstimatorState,
  type FitOptions,
  type FitSummary,
  requireArray,
} from "../estimator";
import { type FitProcess, singleUnitFit } from "../fit-process";
import { multiplyByTransposed } from "../linalg/gemm";
import { type Matrix, zeros } from "../linalg/matrix";
import { dot } from "../linalg/vector";

/**
 * Nearest class mean in cosine space: each class is the normalised mean of its normalised examples,
 * and the logit of class k is cos(x, mu_k). Training-free and defined from one example per class.
 * The logits are cosines in [-1, 1]; the protocol's temperature turns them into probabilities.
 */
export class CosinePrototypeClassifier extends Classifier {
  /** Unit-length class means, K x d row-major. */
  private prototypes: Float64Array = new Float64Array(0);
  private classCount = 0;
  private featureCount = 0;

  get fitSummary(): FitSummary {
    return { iterations: 0, converged: true };
  }

  startFit(X: Matrix, y: Int32Array, options?: FitOptions): FitProcess {
    return singleUnitFit(2 * X.rows * X.cols, () => this.fitMeans(X, y, options));
  }

  private fitMeans(X: Matrix, y: Int32Array, options?: FitOptions): void {
    const classCount = classCountOf(y, options);
    const d = X.cols;
    const sums = new Float64Array(classCount * d);
    for (let i = 0; i < X.rows; i++) {
      const norm = Math.sqrt(dot(X.data, i * d, X.data, i * d, d)) || 1;
      const offset = (y[i] as number) * d;
      for (let j = 0; j < d; j++) {
        sums[offset + j] = (sums[offset + j] as number) + (X.data[i * d + j] as number) / norm;
      }
    }
    for (let k = 0; k < classCount; k++) normalizeInPlace(sums, k * d, d);
    this.prototypes = sums;
    this.classCount = classCount;
    this.featureCount = d;
  }

  decisionFunction(X: Matrix): Matrix {
    const logits = zeros(X.rows, this.classCount);
    multiplyByTransposed(
      X.data,
      this.prototypes,
      X.rows,
      this.classCount,
      this.featureCount,
      logits.data,
    );
    for (let i = 0; i < X.rows; i++) {
      const norm = Math.sqrt(dot(X.data, i * X.cols, X.data, i * X.cols, X.cols)) || 1;
      for (let k = 0; k < this.classCount; k++) {
        logits.data[i * this.classCount + k] =
          (logits.data[i * this.classCount + k] as number) / norm;
      }
    }
    return logits;
  }

  getState(): EstimatorState {
    return {
      hyperparameters: {},
      shape: { classCount: this.classCount, featureCount: this.featureCount },
      arrays: { prototypes: this.prototypes },
    };
  }

  static fromState(state: EstimatorState): CosinePrototypeClassifier {
    const { classCount = 0, featureCount = 0 } = state.shape;
    const model = new CosinePrototypeClassifier();
    model.prototypes = requireArray(state, "prototypes", classCount * featureCount);
    model.classCount = classCount;
    model.featureCount = featureCount;
    return model;
  }
}

function normalizeInPlace(values: Float64Array, offset: number, length: number): void {
  const norm = Math.sqrt(dot(values, offset, values, offset, length)) || 1;
  for (let j = 0; j < length; j++) values[offset + j] = (values[offset + j] as number) / norm;
}
