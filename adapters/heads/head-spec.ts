import type { Classifier, EstimatorState } from "../estimator";
import type { HeadType, Hyperparameters, SweepGridName, TrainOptions } from "../types";

/**
 * What the shared training protocol needs to know about a head type; everything else (split, sweep,
 * calibration, abstain, evaluation, serialization) is the same code for all of them.
 */
export interface HeadSpec {
  headType: HeadType;
  /** Whether a sweep candidate starts from the previous one's fit (then checkpoints keep it). */
  warmStarts: boolean;
  /** Standardise features (true) or only centre them (false) before the estimator. */
  standardize: boolean;
  /** The `hyperparameters` names this head reads; any other name is refused before training. */
  hyperparameterNames: readonly string[];
  /** The `sweep` grids this head reads; any other grid is refused before training. */
  sweepGridNames: readonly SweepGridName[];
  /** Hyperparameter candidates, in the order the sweep fits them (warm starts follow this order). */
  candidates(options: TrainOptions, labels: string[]): Hyperparameters[];
  create(hyperparameters: Hyperparameters, options: TrainOptions, labels: string[]): Classifier;
  /** Hyperparameters for the refit on train + validation, given the chosen candidate's fitted model. */
  refitHyperparameters(chosen: Hyperparameters, fitted: Classifier): Hyperparameters;
  restore(state: EstimatorState): Classifier;
  /**
   * The most flops one fit of these hyperparameters can spend on `rows` samples of `dim` values with
   * `labels` labels, where its work is bounded in advance (an MLP's epochs); null where a fit stops
   * on convergence and costs little at any size the training budget allows (a logistic sweep of 300
   * × 4,096-d samples took 168 job steps in all).
   */
  fitFlopsBound(shape: FitShape, hyperparameters: Hyperparameters): number | null;
  /**
   * The least one fit with a validation set must do, where that is known in advance (an MLP's
   * early stopping waits a number of epochs); absent where a fit may stop at once.
   */
  fitWorkFloor?(shape: FitShape, hyperparameters: Hyperparameters): FitWorkFloor;
}

/** At least `units` pieces of work of at least `unitFlops` each, none of which a job step splits. */
export interface FitWorkFloor {
  units: number;
  unitFlops: number;
}

/** The size of a fit's training set. */
export interface FitShape {
  rows: number;
  dim: number;
  labels: number;
}
