import { fixedLeft } from "../linalg/gemm";
import type { Matrix } from "../linalg/matrix";
import { softmaxInPlace } from "../linalg/softmax";
import type { Objective } from "../solvers/objective";

export interface LogisticProblem {
  X: Matrix;
  /** Class index of each row, in 0..classCount-1. */
  y: Int32Array;
  sampleWeight: Float64Array;
  classCount: number;
  /** Inverse L2 strength, as in scikit-learn. */
  C: number;
}

/**
 * Rows of weights actually fitted: K for K > 2 classes; one for two classes, whose logits are then
 * (0, w.x + b), i.e. binary logistic regression, as scikit-learn fits the binary case.
 */
export function weightRowCount(classCount: number): number {
  return classCount === 2 ? 1 : classCount;
}

/** Parameter vector layout: R weight rows of length d (row-major), then R intercepts. */
export function parameterCount(classCount: number, featureCount: number): number {
  return weightRowCount(classCount) * (featureCount + 1);
}

/**
 * scikit-learn's L2 multinomial logistic objective, divided by the total sample weight S:
 *
 *   f(W, b) = (1/S) sum_i s_i [logsumexp(z_i) - z_{i,y_i}] + ||W||^2 / (2 C S),   z_i = W x_i + b,
 *
 * i.e. (C sum_i s_i loss_i + ||W||^2 / 2) / (C S): same minimiser, but the scale no longer grows with
 * n or C, so one gradient tolerance means the same thing for every problem. The intercept is not
 * penalised. Gradient: (1/S) sum_i s_i (p_i - onehot(y_i)) [x_i, 1] + W / (C S).
 * Two blocked products per evaluation: logits Z = X W^T, then gradient (P - Y)^T X.
 */
export function logisticObjective(problem: LogisticProblem): Objective {
  const { X, classCount, C } = problem;
  const n = X.rows;
  const d = X.cols;
  const rows = weightRowCount(classCount);
  const interceptOffset = rows * d;
  const l2 = 1 / (C * totalWeightOf(problem));
  const fittedLogits = new Float64Array(n * rows);
  // X is every product's left operand for the whole optimisation: the kernel may keep it resident.
  const features = fixedLeft(X.data, n, d);
  const residuals = residualsOf(problem);

  return (theta, gradient) => {
    features.multiplyByTransposed(theta, rows, fittedLogits);
    const loss = residuals(fittedLogits, theta.subarray(interceptOffset));
    gradient.fill(0);
    features.addTransposedProduct(fittedLogits, rows, gradient);
    let squaredNorm = 0;
    for (let j = 0; j < interceptOffset; j++) {
      const w = theta[j] as number;
      squaredNorm += w * w;
      gradient[j] = (gradient[j] as number) + l2 * w;
    }
    addColumnSums(fittedLogits, n, rows, gradient, interceptOffset);
    return loss + 0.5 * l2 * squaredNorm;
  };
}

export function totalWeightOf(problem: LogisticProblem): number {
  return problem.sampleWeight.reduce((sum, w) => sum + w, 0);
}

/**
 * The data term of the objective from the fitted logits X W^T (n x R, without intercepts): returns
 * (1/S) sum_i s_i [logsumexp(z_i) - z_{i,y_i}] and overwrites the logits with the residuals
 * s_i (p_ik - [k = y_i]) / S, from which both parameterisations build their gradient.
 */
export function residualsOf(
  problem: LogisticProblem,
): (fittedLogits: Float64Array, intercepts: Float64Array) => number {
  const { y, sampleWeight, classCount } = problem;
  const n = y.length;
  const rows = weightRowCount(classCount);
  const firstFittedClass = classCount - rows;
  const totalWeight = totalWeightOf(problem);
  const probabilities = new Float64Array(classCount);
  return (fittedLogits, intercepts) => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      probabilities.fill(0);
      for (let r = 0; r < rows; r++) {
        probabilities[firstFittedClass + r] =
          (fittedLogits[i * rows + r] as number) + (intercepts[r] as number);
      }
      const label = y[i] as number;
      const trueLogit = probabilities[label] as number;
      const weight = (sampleWeight[i] as number) / totalWeight;
      loss += weight * (softmaxInPlace(probabilities, 0, classCount) - trueLogit);
      for (let r = 0; r < rows; r++) {
        const k = firstFittedClass + r;
        fittedLogits[i * rows + r] =
          weight * ((probabilities[k] as number) - (k === label ? 1 : 0));
      }
    }
    return loss;
  };
}

/** out[offset + r] += sum_i m[i, r] for an n x R row-major m (the intercepts' gradient). */
export function addColumnSums(
  m: Float64Array,
  n: number,
  rows: number,
  out: Float64Array,
  offset: number,
): void {
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < rows; r++) {
      out[offset + r] = (out[offset + r] as number) + (m[i * rows + r] as number);
    }
  }
}
