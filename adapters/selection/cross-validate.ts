import { HEAD_SPECS } from "../heads/registry";
import { LIMITS } from "../limits";
import type { Matrix } from "../linalg/matrix";
import { fitHead } from "../protocol/fit-head";
import { type ProgressListener, progressReporter } from "../protocol/progress";
import type { SplitIndices } from "../protocol/stratified-split";
import { protocolOptions } from "../protocol/validate-options";
import { checkClassCounts } from "../protocol/validate-samples";
import type { BackboneRef, HeadType, TrainOptions } from "../types";
import { type FoldStatistic, foldStatistic } from "./fold-statistics";
import { stratifiedKFold } from "./stratified-k-fold";

export const DEFAULT_FOLDS = 5;
/** Shuffles of the k folds: more repeats average out how the few samples happened to be split. */
export const DEFAULT_REPEATS = 3;

export interface CrossValidationInput {
  headType: HeadType;
  backbone: BackboneRef;
  /** Raw embeddings (the head's own preprocessing is fitted per fold) and class indices into labels. */
  X: Matrix;
  y: Int32Array;
  labels: string[];
  /** Folds wanted; fewer are used when the smallest class has fewer members (see foldsFor). */
  folds?: number;
  /** Times the k folds are drawn, with seeds seed, seed + 1, …. */
  repeats?: number;
  seed?: number;
  options?: TrainOptions;
  onProgress?: ProgressListener;
}

export interface FoldScores {
  accuracy: number;
  macroF1: number;
}

export interface CrossValidationReport {
  folds: number;
  repeats: number;
  /** k · repeats scores, repeat by repeat: the same order for every candidate scored on the same samples. */
  perFold: FoldScores[];
  accuracy: FoldStatistic;
  macroF1: FoldStatistic;
}

/**
 * k folds, but no more than the smallest class has members, so every class is in every fold. The
 * minimum is the training protocol's: 3 per class, one each for train, validation and test.
 */
export function foldsFor(classCounts: number[], wanted = DEFAULT_FOLDS): number {
  return Math.max(LIMITS.minSamplesPerClass, Math.min(wanted, ...classCounts));
}

/**
 * Repeated stratified k-fold cross-validation of a head under the training protocol itself
 * (fitHead): in round f, fold f is the test split, fold f+1 (mod k) the validation split the
 * protocol sweeps and calibrates on, and the other folds train. Each fold is tested once per repeat,
 * by a head that never saw it; each repeat draws the folds anew. The statistics carry the corrected
 * standard error of repeated k-fold (fold-statistics.ts).
 */
export async function crossValidateHead(
  input: CrossValidationInput,
): Promise<CrossValidationReport> {
  const { X, y, labels } = input;
  const counts = labels.map((_, k) => y.reduce((n, label) => n + (label === k ? 1 : 0), 0));
  checkClassCounts(new Map(labels.map((label, k) => [label, counts[k] as number])));
  const options = input.options ?? {};
  const { targetPrecision } = protocolOptions(options);
  const k = foldsFor(counts, input.folds);
  const repeats = input.repeats ?? DEFAULT_REPEATS;
  const report = progressReporter(input.onProgress);
  const perFold: FoldScores[] = [];
  for (let r = 0; r < repeats; r++) {
    const foldOf = stratifiedKFold(y, labels.length, k, (input.seed ?? 0) + r);
    for (let f = 0; f < k; f++) {
      const result = await fitHead({
        spec: HEAD_SPECS[input.headType],
        backbone: input.backbone,
        options,
        targetPrecision,
        X,
        y,
        labels,
        split: roundSplit(foldOf, f, k),
        // Per-fold stages are noise to a caller; it hears once per fold below.
        report: progressReporter(undefined),
      });
      perFold.push({ accuracy: result.test.accuracy, macroF1: result.test.macro.f1 });
      await report(
        "evaluate",
        perFold.length / (k * repeats),
        `repeat ${r + 1}/${repeats}, fold ${f + 1}/${k}: macro-F1 ${result.test.macro.f1.toFixed(4)}`,
      );
    }
  }
  return {
    folds: k,
    repeats,
    perFold,
    accuracy: foldStatistic(
      perFold.map((s) => s.accuracy),
      k,
    ),
    macroF1: foldStatistic(
      perFold.map((s) => s.macroF1),
      k,
    ),
  };
}

function roundSplit(foldOf: Int32Array, f: number, k: number): SplitIndices {
  const validationFold = (f + 1) % k;
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  foldOf.forEach((fold, i) => {
    if (fold === f) test.push(i);
    else if (fold === validationFold) validation.push(i);
    else train.push(i);
  });
  return {
    train: Int32Array.from(train),
    validation: Int32Array.from(validation),
    test: Int32Array.from(test),
  };
}
