import { HeadInputError } from "../errors";
import type { Classifier } from "../estimator";
import { UNKNOWN_LABEL } from "../limits";
import { fromRows, type Matrix } from "../linalg/matrix";
import { softmaxWithTemperature } from "../linalg/softmax";
import type { StandardScaler } from "../preprocessing/standard-scaler";
import type { BackboneRef, HeadType, Prediction, PredictOptions, TrainedHead } from "../types";

export const DEFAULT_TOP_K = 5;
/** Threshold above any probability: a head whose target precision was unreachable always abstains. */
export const ALWAYS_ABSTAIN = 2;

export interface AdapterHeadParts {
  headType: HeadType;
  backbone: BackboneRef;
  labels: string[];
  scaler: StandardScaler;
  estimator: Classifier;
  temperature: number;
  /** Calibrated top probability below which the head answers "unknown"; null: never abstain. */
  abstainThreshold: number | null;
}

/** A trained pipeline: preprocessing, estimator, temperature and abstain threshold, bound to a backbone. */
export class AdapterHead implements TrainedHead {
  readonly headType: HeadType;
  readonly backbone: BackboneRef;
  readonly labels: string[];
  readonly scaler: StandardScaler;
  readonly estimator: Classifier;
  readonly temperature: number;
  readonly abstainThreshold: number | null;

  constructor(
    parts: AdapterHeadParts,
    private readonly encode: (head: AdapterHead) => Uint8Array,
  ) {
    this.headType = parts.headType;
    this.backbone = parts.backbone;
    this.labels = parts.labels;
    this.scaler = parts.scaler;
    this.estimator = parts.estimator;
    this.temperature = parts.temperature;
    this.abstainThreshold = parts.abstainThreshold;
  }

  /** Uncalibrated logits for raw (unscaled) embeddings. */
  logits(X: Matrix): Matrix {
    return this.estimator.decisionFunction(this.scaler.transform(X));
  }

  /** Calibrated class probabilities for raw (unscaled) embeddings. */
  probabilities(X: Matrix): Matrix {
    return softmaxWithTemperature(this.logits(X), this.temperature);
  }

  predict(X: Float32Array[], opts: PredictOptions = {}): Prediction[] {
    const probabilities = this.probabilities(
      fromRows(checkedRows(X, this.backbone.dim), this.backbone.dim),
    );
    return rankedPredictions(probabilities, this.labels, this.abstainThreshold, opts);
  }

  serialize(): Uint8Array {
    return this.encode(this);
  }
}

/**
 * Calibrated probabilities (N × K) → predictions: labels ranked by probability, top k, and "unknown"
 * when the top probability is under the abstain threshold (unless the caller turns abstaining off).
 */
export function rankedPredictions(
  probabilities: Matrix,
  labels: string[],
  abstainThreshold: number | null,
  opts: PredictOptions = {},
): Prediction[] {
  const k = Math.max(1, Math.min(opts.topK ?? DEFAULT_TOP_K, labels.length));
  const threshold = opts.abstain === false ? null : abstainThreshold;
  return Array.from({ length: probabilities.rows }, (_, i) => {
    const ranked = labels
      .map((label, c) => ({
        label,
        probability: probabilities.data[i * labels.length + c] as number,
      }))
      .sort((a, b) => b.probability - a.probability);
    const top = ranked[0] as { label: string; probability: number };
    const abstained = threshold !== null && top.probability < threshold;
    return {
      label: abstained ? UNKNOWN_LABEL : top.label,
      probabilities: Object.fromEntries(ranked.map((r) => [r.label, r.probability])),
      topK: ranked.slice(0, k),
      abstained,
    };
  });
}

function checkedRows(X: Float32Array[], dim: number): Float32Array[] {
  if (!Array.isArray(X))
    throw new HeadInputError("ragged-rows", "predict expects an array of embeddings");
  X.forEach((features, i) => {
    if (!(features instanceof Float32Array) && !Array.isArray(features)) {
      throw new HeadInputError("ragged-rows", `row ${i} is not an array of numbers`);
    }
    if (features.length !== dim) {
      throw new HeadInputError(
        "wrong-dimension",
        `row ${i} has ${features.length} features, the backbone gives ${dim}`,
      );
    }
    const j = features.findIndex((v) => !Number.isFinite(v));
    if (j >= 0)
      throw new HeadInputError("non-finite-feature", `row ${i}, feature ${j} is ${features[j]}`);
  });
  return X;
}
