export const HEAD_TYPES = ["logistic", "prototype", "mlp"] as const;
export type HeadType = (typeof HEAD_TYPES)[number];
/**
 * Every head type an adapter can have: the shared protocol's (HEAD_TYPES, heads on frozen
 * embeddings) and "finetune", which also trains the backbone's top (adapters/finetune).
 */
export const ADAPTER_HEAD_TYPES = [...HEAD_TYPES, "finetune"] as const;
export type AdapterHeadType = (typeof ADAPTER_HEAD_TYPES)[number];

/** The frozen backbone a head was trained on; a head only accepts embeddings from this backbone. */
export interface BackboneRef {
  id: string;
  weightsHash: string;
  dim: number;
  /**
   * A fusion: the dims of the backbones' vectors concatenated in the embedding, in order (they add up
   * to `dim`); the head balances them (preprocessing/block-scaling.ts). Absent for one backbone.
   */
  blocks?: number[];
}

export interface LabelledEmbedding {
  features: Float32Array;
  label: string;
  /** Content hash of the raw sample, used to remove exact duplicates; the features are hashed when absent. */
  hash?: string;
}

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

export interface TrainOptions {
  seed?: number;
  /**
   * Ask for a fixed held-out test split of this share of the samples (protocol "holdout"), whatever
   * the amount of data; validation is a quarter of the rest. Without it, evaluation-protocol.ts decides.
   */
  testFraction?: number;
  /** The holdout protocol's three shares, in full (implies "holdout"; testFraction is the short form). */
  fractions?: SplitFractions;
  /** When set, an abstain threshold is chosen on validation to reach this precision. */
  targetPrecision?: number;
  sweep?: {
    /** Logistic: inverse L2 strengths, swept in the given order with warm starts. */
    cGrid?: number[];
    /** MLP: L2 penalties on the weights. */
    weightDecayGrid?: number[];
    /** Finetune: the top's learning rates (the classifier's are 10× larger). */
    learningRateGrid?: number[];
    /** Finetune: strengths of the pull of the top towards its pretrained weights (L2-SP). */
    l2spGrid?: number[];
  };
  /** Head-specific fixed hyperparameters, e.g. `{ classWeight: "balanced" }` or `{ hiddenUnits: 64 }`. */
  hyperparameters?: Record<string, unknown>;
}

/** The grids a training request may sweep; each head type reads its own. */
export type SweepGridName = keyof NonNullable<TrainOptions["sweep"]>;

export type TrainStage =
  | "validate"
  | "split"
  | "cross-validate"
  | "sweep"
  | "refit"
  | "calibrate"
  | "evaluate";

export interface TrainProgress {
  stage: TrainStage;
  /** Overall progress in [0, 1]. */
  fraction: number;
  message: string;
}

export interface Prediction {
  /** The predicted label, or "unknown" when the head abstains. */
  label: string;
  probabilities: Record<string, number>;
  topK: { label: string; probability: number }[];
  abstained: boolean;
}

export interface PredictOptions {
  topK?: number;
  /** Defaults to true when the head has an abstain threshold. */
  abstain?: boolean;
}

export interface TrainedHead {
  headType: HeadType;
  backbone: BackboneRef;
  labels: string[];
  predict(X: Float32Array[], opts?: PredictOptions): Prediction[];
  serialize(): Uint8Array;
}

export type HyperparameterValue = number | string | boolean | null | { [label: string]: number };
export type Hyperparameters = Record<string, HyperparameterValue>;

export interface SweepRow {
  hyperparameters: Hyperparameters;
  validationAccuracy: number;
  validationLogLoss: number;
  /** Solver iterations or epochs used by this candidate. */
  iterations: number;
  converged: boolean;
  /** The learning curve of a head that trains in epochs and stops early on validation. */
  epochs?: EpochLoss[];
}

/** One epoch of a learning curve: the validation loss after it (epoch 0: before training). */
export interface EpochLoss {
  epoch: number;
  validationLoss: number;
}

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  samples: number;
  accuracy: number;
  macro: { precision: number; recall: number; f1: number };
  perClass: ClassMetrics[];
  /** matrix[true][predicted], rows and columns in `labels` order. */
  confusionMatrix: { labels: string[]; matrix: number[][] };
  logLoss: number;
  /** With the reliability diagram's bins, equal-width in the top probability. */
  expectedCalibrationError: { value: number; bins: number; reliability: ReliabilityBin[] };
}

export interface ReliabilityBin {
  /** The bin holds top probabilities in (lower, upper]. */
  lower: number;
  upper: number;
  count: number;
  /** Mean top probability of the bin's predictions. */
  confidence: number;
  accuracy: number;
}

/** One test-split sample as the trained head classified it (no abstaining). */
/** One held-out prediction behind `HeldOutEvaluation.metrics`: a confusion-matrix cell, sample by sample. */
export interface HeldOutPrediction {
  /** The sample's content hash (the SHA-256 of its upload); null when the caller gave none. */
  hash: string | null;
  label: string;
  predicted: string;
  confidence: number;
}

export interface AbstainReport {
  targetPrecision: number;
  /** Predictions whose calibrated top probability is below the threshold answer "unknown"; null when unreachable. */
  threshold: number | null;
  /** False when no threshold reaches the target: the head then always abstains. */
  reachable: boolean;
  /** The held-out predictions it was chosen on, as for the temperature. */
  fittedOn: "out-of-fold" | "validation";
  /** Precision and coverage on those predictions (in-sample for the threshold); precision is null when none is answered. */
  precision: number | null;
  coverage: number;
  /** On the untouched test split (holdout); null in cross-validation, where no prediction is left over. */
  test: { precision: number | null; coverage: number } | null;
}

/** A held-out estimate and its 95 % interval. */
export interface IntervalEstimate {
  value: number;
  low: number;
  high: number;
  /** How the interval was computed. */
  method: string;
}

/** How the held-out numbers of a report were produced (evaluation-protocol.ts). */
export type EvaluationProtocol =
  | { kind: "cross-validation"; folds: number; repeats: number; reason: string }
  | { kind: "holdout"; fractions: SplitFractions; reason: string };

export interface HeldOutEvaluation {
  protocol: EvaluationProtocol;
  /**
   * Distinct samples the estimates rest on: every sample in cross-validation (each predicted once
   * per repeat by a head that never saw it), the test split in holdout.
   */
  samples: number;
  /** Held-out predictions behind the estimates (samples × repeats in cross-validation). */
  predictions: number;
  /** Mean over repeats; interval: Wilson score on `samples` samples. */
  accuracy: IntervalEstimate;
  /** Mean over repeats; interval: percentile bootstrap over samples, stratified by class. */
  macroF1: IntervalEstimate;
  /**
   * Per-class metrics, confusion matrix, log loss and calibration error of the held-out predictions:
   * the first repeat's out-of-fold predictions (every sample once), or the test split. Probabilities
   * are calibrated with the temperature of the fold's own head, fitted on its validation fold.
   */
  metrics: ClassificationMetrics;
  /** The predictions behind `metrics`, sample by sample (at most MAX_LISTED_PREDICTIONS, in sample order). */
  perSample: HeldOutPrediction[];
}

/** The hyperparameters a protocol chose on held-out data, and how. */
export interface ChosenHyperparameters {
  chosen: Hyperparameters;
  selection: string;
  /** Per candidate; in cross-validation the mean over the rounds' validation folds. */
  sweep: SweepRow[];
}

export interface TrainingReport {
  headType: AdapterHeadType;
  backbone: BackboneRef;
  seed: number;
  samples: {
    raw: number;
    afterDedup: number;
    duplicatesRemoved: number;
    /** Duplicates whose labels disagreed with the first copy (the first copy is kept). */
    conflictingDuplicates: number;
    /** Samples the served head was fitted on: all of them, after deduplication. */
    servedHeadTrainedOn: number;
    perClass: Record<string, number>;
  };
  evaluation: HeldOutEvaluation;
  hyperparameters: ChosenHyperparameters & {
    /** What the request fixed rather than swept (a logistic head's classWeight, say). */
    fixed: Hyperparameters;
  };
  calibration: {
    method: "temperature-scaling";
    temperature: number;
    /** "out-of-fold" (cross-validation: every round's held-out logits) or "validation" (holdout). */
    fittedOn: "out-of-fold" | "validation";
    /** Rows the temperature was fitted on. */
    samples: number;
    logLossBefore: number;
    logLossAfter: number;
  };
  abstain: AbstainReport | null;
  serializedBytes: number;
  /** Wall time of the whole protocol. Workerd freezes timers during pure CPU work, so it may read 0 there. */
  fitTimeMs: number;
}
