export const HEAD_TYPES = ["logistic", "prototype", "mlp"] as const;
export type HeadType = (typeof HEAD_TYPES)[number];

/** The frozen backbone a head was trained on; a head only accepts embeddings from this backbone. */
export interface BackboneRef {
  id: string;
  weightsHash: string;
  dim: number;
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
  fractions?: SplitFractions;
  /** When set, an abstain threshold is chosen on validation to reach this precision. */
  targetPrecision?: number;
  sweep?: {
    /** Logistic: inverse L2 strengths, swept in the given order with warm starts. */
    cGrid?: number[];
    /** MLP: L2 penalties on the weights. */
    weightDecayGrid?: number[];
  };
  /** Head-specific fixed hyperparameters, e.g. `{ classWeight: "balanced" }` or `{ hiddenUnits: 64 }`. */
  hyperparameters?: Record<string, unknown>;
}

export type TrainStage = "validate" | "split" | "sweep" | "refit" | "calibrate" | "evaluate";

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

export type HyperparameterValue = number | string | boolean | null;
export type Hyperparameters = Record<string, HyperparameterValue>;

export interface SweepRow {
  hyperparameters: Hyperparameters;
  validationAccuracy: number;
  validationLogLoss: number;
  /** Solver iterations or epochs used by this candidate. */
  iterations: number;
  converged: boolean;
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
export interface TestSamplePrediction {
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
  /** False when no threshold reaches the target on validation: the head then always abstains. */
  reachable: boolean;
  validationPrecision: number;
  validationCoverage: number;
  testPrecision: number;
  testCoverage: number;
}

export interface TrainingReport {
  headType: HeadType;
  backbone: BackboneRef;
  seed: number;
  fractions: SplitFractions;
  samples: {
    raw: number;
    afterDedup: number;
    duplicatesRemoved: number;
    /** Duplicates whose labels disagreed with the first copy (the first copy is kept). */
    conflictingDuplicates: number;
    perSplit: { train: number; validation: number; test: number };
    perClass: Record<string, { train: number; validation: number; test: number }>;
  };
  hyperparameters: {
    chosen: Hyperparameters;
    selection: string;
    sweep: SweepRow[];
  };
  calibration: {
    method: "temperature-scaling";
    temperature: number;
    validationLogLossBefore: number;
    validationLogLossAfter: number;
  };
  abstain: AbstainReport | null;
  test: ClassificationMetrics;
  /** The test split's samples with their predictions: the confusion matrix's cells, sample by sample. */
  testSamples: TestSamplePrediction[];
  serializedBytes: number;
  /** Wall time of the whole protocol. Workerd freezes timers during pure CPU work, so it may read 0 there. */
  fitTimeMs: number;
}
