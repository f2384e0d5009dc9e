import {
  Classifier,
  classCountOf,
  type EstimatorState,
  type FitOptions,
  type FitSummary,
  requireArray,
} from "../estimator";
import type { FitCheckpoint, FitProcess } from "../fit-process";
import { multiplyByTransposed } from "../linalg/gemm";
import { type Matrix, zeros } from "../linalg/matrix";
import { gramOf } from "../linalg/matrix-memo";
import { Lbfgs } from "../solvers/lbfgs";
import { coordinateSpace, type SpaceFactory } from "../solvers/search-space";
import { type ClassWeight, sampleWeightsFor } from "./class-weights";
import {
  type LogisticProblem,
  logisticObjective,
  parameterCount,
  weightRowCount,
} from "./multinomial-loss";
import { sampleSpanSpace, spanPays } from "./sample-span-space";

export interface LogisticRegressionParams {
  /** Inverse L2 regularisation strength. */
  C: number;
  classWeight: ClassWeight;
  maxIterations: number;
  /**
   * Stop when max |gradient| <= tol * objective (the objective divided by the total sample weight, see
   * multinomial-loss). Relative, because with weak regularisation on separable data the objective
   * and its gradient both become tiny: an absolute 1e-4 then stops far from the optimum (a 1e-4
   * absolute tolerance cost 11 points of test accuracy at C = 100 on the 8-shot use-lite fixture).
   */
  tol: number;
  /**
   * Where L-BFGS keeps its vectors: in coordinates (d·R weights), in the span of the training
   * samples (n·R coefficients, sample-span-space), or "auto": the span where it pays (spanPays).
   * The same search either way, to rounding.
   */
  solverSpace: "auto" | "coordinates" | "samples";
}

export const LOGISTIC_DEFAULTS: LogisticRegressionParams = {
  C: 1,
  classWeight: null,
  maxIterations: 500,
  tol: 1e-4,
  solverSpace: "auto",
};

/** Multinomial logistic regression with L2, fitted by L-BFGS (scikit-learn's `lbfgs` solver). */
export class LogisticRegression extends Classifier {
  readonly params: LogisticRegressionParams;
  /** Weight rows (row-major, R x d) followed by R intercepts; R = K, or 1 for two classes. */
  private theta: Float64Array = new Float64Array(0);
  private classCount = 0;
  private featureCount = 0;
  private summary: FitSummary = { iterations: 0, converged: false };

  constructor(params: Partial<LogisticRegressionParams> = {}) {
    super();
    this.params = { ...LOGISTIC_DEFAULTS, ...params };
  }

  get fitSummary(): FitSummary {
    return this.summary;
  }

  startFit(X: Matrix, y: Int32Array, options?: FitOptions, resume?: FitCheckpoint): FitProcess {
    const classCount = classCountOf(y, options);
    const sampleWeight = sampleWeightsFor(y, classCount, this.params.classWeight);
    const problem: LogisticProblem = { X, y, sampleWeight, classCount, C: this.params.C };
    const start = this.startingPoint(options?.warmStart, y, sampleWeight, classCount, X.cols);
    const rows = weightRowCount(classCount);
    const memo = options?.memo?.matrix === X ? options.memo : undefined;
    const { solverSpace } = this.params;
    const inSpan =
      solverSpace === "samples" ||
      (solverSpace === "auto" && spanPays(X.rows, X.cols, rows, memo !== undefined));
    const [n, d] = [X.rows, X.cols];
    // Work done before the first iteration, billed to the first step: the Gram matrix (n·n·d / 2
    // multiply-adds) unless a memo holds it, and the start's images X W0^T.
    let setupFlops = inSpan ? (memo?.hasGram ? 0 : n * n * d) + 2 * n * d * rows : 0;
    const space: SpaceFactory = inSpan
      ? sampleSpanSpace(problem, start, memo ? memo.gram() : gramOf(X))
      : coordinateSpace(logisticObjective(problem), start);
    const search = new Lbfgs(
      space,
      {
        maxIterations: this.params.maxIterations,
        gradientTolerance: 0,
        relativeGradientTolerance: this.params.tol,
        // As scikit-learn >= 1.3: stop on the gradient, not on a merely slow decrease.
        functionTolerance: 64 * Number.EPSILON,
      },
      resume,
    );
    // In coordinates, logits X W^T and the gradient (P - Y)^T X: two n x d x R products per
    // evaluation; in the span, one n x n x R product per iteration, counted per evaluation.
    const flopsPerEvaluation = inSpan ? 2 * n * (n + 1) * rows : 4 * n * (d + 1) * rows;
    const finish = () => {
      const result = search.result;
      this.theta = result.x;
      this.classCount = classCount;
      this.featureCount = d;
      this.summary = { iterations: result.iterations, converged: result.converged };
    };
    if (search.stopped) finish();
    return {
      get done() {
        return search.stopped;
      },
      get fraction() {
        return search.stopped ? 1 : search.iterations / search.maxIterations;
      },
      advance(flops) {
        const before = search.evaluations;
        const spent = () => setupFlops + (search.evaluations - before) * flopsPerEvaluation;
        do search.iterate();
        while (!search.stopped && spent() < flops);
        if (search.stopped) finish();
        const total = spent();
        setupFlops = 0;
        return total;
      },
      checkpoint: () => search.checkpoint(),
    };
  }

  decisionFunction(X: Matrix): Matrix {
    const { classCount, featureCount: d, theta } = this;
    const rows = weightRowCount(classCount);
    const firstFittedClass = classCount - rows;
    const fitted = new Float64Array(X.rows * rows);
    multiplyByTransposed(X.data, theta, X.rows, rows, d, fitted);
    const logits = zeros(X.rows, classCount);
    for (let i = 0; i < X.rows; i++) {
      for (let r = 0; r < rows; r++) {
        logits.data[i * classCount + firstFittedClass + r] =
          (fitted[i * rows + r] as number) + (theta[rows * d + r] as number);
      }
    }
    return logits;
  }

  /** Weights as K' x d rows (K' = 1 for binary problems), like scikit-learn's `coef_`. */
  get coefficients(): Float64Array {
    return this.theta.subarray(0, weightRowCount(this.classCount) * this.featureCount);
  }

  get intercepts(): Float64Array {
    return this.theta.subarray(weightRowCount(this.classCount) * this.featureCount);
  }

  getState(): EstimatorState {
    const { C, classWeight, maxIterations, tol } = this.params;
    return {
      hyperparameters: {
        C,
        classWeight: Array.isArray(classWeight) ? "custom" : (classWeight as "balanced" | null),
        maxIterations,
        tol,
      },
      shape: { classCount: this.classCount, featureCount: this.featureCount },
      arrays: { theta: this.theta },
    };
  }

  static fromState(state: EstimatorState): LogisticRegression {
    const { classCount = 0, featureCount = 0 } = state.shape;
    const { C, maxIterations, tol } = state.hyperparameters;
    const model = new LogisticRegression({
      C: Number(C),
      maxIterations: Number(maxIterations),
      tol: Number(tol),
    });
    model.theta = requireArray(state, "theta", parameterCount(classCount, featureCount));
    model.classCount = classCount;
    model.featureCount = featureCount;
    return model;
  }

  /**
   * A compatible warm start's parameters; otherwise W = 0 with the intercepts of the intercept-only
   * optimum, b_k = log prior_k (centred; for two classes log(prior_1 / prior_0)). Starting there
   * instead of at 0 about halves the iterations of a cold fit with strong regularisation.
   */
  private startingPoint(
    warmStart: Classifier | undefined,
    y: Int32Array,
    sampleWeight: Float64Array,
    classCount: number,
    featureCount: number,
  ): Float64Array {
    const compatible =
      warmStart instanceof LogisticRegression &&
      warmStart.classCount === classCount &&
      warmStart.featureCount === featureCount;
    if (compatible) return Float64Array.from(warmStart.theta);
    const start = new Float64Array(parameterCount(classCount, featureCount));
    const classWeight = new Float64Array(classCount);
    y.forEach((label, i) => {
      classWeight[label] = (classWeight[label] as number) + (sampleWeight[i] as number);
    });
    const logPrior = Array.from(classWeight, (w) => Math.log(Math.max(w, Number.MIN_VALUE)));
    const rows = weightRowCount(classCount);
    const reference =
      rows === 1 ? (logPrior[0] as number) : logPrior.reduce((a, b) => a + b, 0) / classCount;
    for (let r = 0; r < rows; r++) {
      start[rows * featureCount + r] = (logPrior[classCount - rows + r] as number) - reference;
    }
    return start;
  }
}
