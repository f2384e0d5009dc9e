import { type FitCheckpoint, type FitProcess, runToEnd } from "./fit-process";
import { argmaxRows, type Matrix } from "./linalg/matrix";
import type { MatrixMemo } from "./linalg/matrix-memo";
import { softmaxRowsInPlace } from "./linalg/softmax";
import type { EpochLoss, Hyperparameters } from "./types";

export interface FitOptions {
  /** Number of classes K; labels are 0..K-1. Defaults to max(y) + 1. */
  classCount?: number;
  /** Held-out data for estimators that stop early on it (the MLP). */
  validation?: { X: Matrix; y: Int32Array };
  /** A fitted estimator of the same kind to start from (scikit-learn's warm_start). */
  warmStart?: Classifier;
  /** Work on X shared with other fits on it (a sweep's); ignored unless its matrix is this X. */
  memo?: MatrixMemo;
}

export interface FitSummary {
  /** Solver iterations or training epochs. */
  iterations: number;
  converged: boolean;
  /** Validation loss per epoch, for fits that validate each epoch (the MLP's early stopping). */
  epochs?: EpochLoss[];
}

/** The fitted parameters of an estimator, for serialization. */
export interface EstimatorState {
  hyperparameters: Hyperparameters;
  shape: Record<string, number>;
  arrays: Record<string, Float64Array>;
}

/**
 * The scikit-learn classifier shape shared by every head type. Subclasses produce logits
 * (`decisionFunction`); probabilities, predictions and accuracy follow from them the same way for all.
 */
export abstract class Classifier {
  /**
   * Starts fitting (or, given a checkpoint of the same fit on the same data, continues it) as a
   * process that runs in bounded steps; the estimator holds the fitted model once the process is done.
   */
  abstract startFit(
    X: Matrix,
    y: Int32Array,
    options?: FitOptions,
    resume?: FitCheckpoint,
  ): FitProcess;

  fit(X: Matrix, y: Int32Array, options?: FitOptions): this {
    runToEnd(this.startFit(X, y, options));
    return this;
  }

  abstract decisionFunction(X: Matrix): Matrix;
  abstract get fitSummary(): FitSummary;
  abstract getState(): EstimatorState;

  predictProba(X: Matrix): Matrix {
    const logits = this.decisionFunction(X);
    softmaxRowsInPlace(logits);
    return logits;
  }

  predict(X: Matrix): Int32Array {
    return argmaxRows(this.decisionFunction(X));
  }

  /** Mean accuracy on (X, y). */
  score(X: Matrix, y: Int32Array): number {
    const predicted = this.predict(X);
    let correct = 0;
    for (let i = 0; i < y.length; i++) if (predicted[i] === y[i]) correct++;
    return correct / y.length;
  }
}

export function classCountOf(y: Int32Array, options?: FitOptions): number {
  return options?.classCount ?? y.reduce((max, label) => Math.max(max, label + 1), 0);
}

export function requireArray(state: EstimatorState, name: string, length: number): Float64Array {
  const array = state.arrays[name];
  if (!array || array.length !== length) {
    throw new Error(`estimator state: array "${name}" missing or not of length ${length}`);
  }
  return array;
}
