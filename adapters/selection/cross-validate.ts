import { HEAD_SPECS } from "../heads/registry";
import { LIMITS } from "../limits";
import type { FeatureMatrix, Matrix } from "../linalg/matrix";
import { FitRun, type FitRunCheckpoint } from "../protocol/fit-run";
import { type ProgressListener, progressReporter } from "../protocol/progress";
import { STEP_FLOPS } from "../protocol/step-budget";
import type { SplitIndices } from "../protocol/stratified-split";
import { protocolOptions } from "../protocol/validate-options";
import { checkClassCounts } from "../protocol/validate-samples";
import type {
  BackboneRef,
  HeadType,
  Hyperparameters,
  SweepRow,
  TrainOptions,
  TrainProgress,
} from "../types";
import { type FoldStatistic, foldStatistic } from "./fold-statistics";
import { stratifiedKFold } from "./stratified-k-fold";

export const DEFAULT_FOLDS = 5;
/** Shuffles of the k folds: more repeats average out how the few samples happened to be split. */
export const DEFAULT_REPEATS = 3;

export interface CrossValidationInput {
  headType: HeadType;
  backbone: BackboneRef;
  /** Raw embeddings (the head's own preprocessing is fitted per fold) and class indices into labels. */
  X: FeatureMatrix;
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
 * (FitRun): in round f, fold f is the test split, fold f+1 (mod k) the validation split the
 * protocol sweeps and calibrates on, and the other folds train. Each fold is tested once per repeat,
 * by a head that never saw it; each repeat draws the folds anew. The statistics carry the corrected
 * standard error of repeated k-fold (fold-statistics.ts). Runs to the end, yielding between steps.
 */
export async function crossValidateHead(
  input: CrossValidationInput,
): Promise<CrossValidationReport> {
  const run = new CrossValidationRun(input);
  const report = progressReporter(input.onProgress);
  while (!run.done) {
    const rounds = run.roundsDone;
    run.advance(STEP_FLOPS);
    if (run.roundsDone > rounds) {
      const last = run.checkpoint().perFold.at(-1) as FoldScores;
      await report(
        "evaluate",
        run.roundsDone / run.rounds,
        `fold ${run.roundsDone}/${run.rounds}: macro-F1 ${last.macroF1.toFixed(4)}`,
      );
    }
  }
  return run.result();
}

/** What a finished round chose and how its head scored on its validation fold. */
export interface RoundOutcome {
  /** The sweep on the round's validation fold. */
  sweep: SweepRow[];
  /** Hyperparameters of the round's refit (the chosen candidate, plus e.g. the MLP's epochs). */
  chosen: Hyperparameters;
  /** The round head's temperature, fitted on its validation fold. */
  temperature: number;
}

/**
 * Where a cross-validation stands between steps: the finished rounds' scores, choices and held-out
 * logits, and the round in progress.
 */
export interface CrossValidationCheckpoint {
  perFold: FoldScores[];
  rounds: RoundOutcome[];
  /**
   * Uncalibrated logits of each sample, predicted by the head of the round that held it out:
   * repeats × samples × classes, row-major; rows of unfinished rounds are 0.
   */
  outOfFoldLogits: Float64Array;
  fit: FitRunCheckpoint | null;
}

/** The held-out predictions of a finished cross-validation. */
export interface OutOfFold {
  /** Per repeat: every sample's uncalibrated logits, from the head that did not see it. */
  logits: Matrix[];
  /** Per repeat: every sample's temperature, that of the round head that predicted it. */
  temperatures: Float64Array[];
  rounds: RoundOutcome[];
}

/** The same cross-validation as a process of bounded steps, resumable from its checkpoint. */
export class CrossValidationRun {
  readonly folds: number;
  readonly repeats: number;
  private readonly targetPrecision: number | null;
  private perFold: FoldScores[];
  private rounds_: RoundOutcome[];
  private readonly outOfFoldLogits: Float64Array;
  private fit: FitRun | null = null;
  private resumeFit: FitRunCheckpoint | null;

  constructor(
    private readonly input: Omit<CrossValidationInput, "onProgress">,
    resume?: CrossValidationCheckpoint,
  ) {
    const { y, labels } = input;
    const counts = labels.map((_, k) => y.reduce((n, label) => n + (label === k ? 1 : 0), 0));
    checkClassCounts(new Map(labels.map((label, k) => [label, counts[k] as number])));
    this.targetPrecision = protocolOptions(input.options).targetPrecision;
    this.folds = foldsFor(counts, input.folds);
    this.repeats = input.repeats ?? DEFAULT_REPEATS;
    this.perFold = resume?.perFold ?? [];
    this.rounds_ = resume?.rounds ?? [];
    this.outOfFoldLogits =
      resume?.outOfFoldLogits ?? new Float64Array(this.repeats * y.length * labels.length);
    this.resumeFit = resume?.fit ?? null;
  }

  get rounds(): number {
    return this.folds * this.repeats;
  }

  get roundsDone(): number {
    return this.perFold.length;
  }

  get done(): boolean {
    return this.roundsDone === this.rounds;
  }

  /** The running round's own progress (its sweep candidate, and epoch for heads that have them). */
  get roundProgress(): TrainProgress | null {
    return this.fit?.progress ?? null;
  }

  /** Fits until about `flops` are spent or a fold ends; returns the flops spent. */
  advance(flops: number): number {
    if (this.done) return 0;
    this.fit ??= this.roundFit();
    const spent = this.fit.advance(flops);
    if (this.fit.done) {
      const { test, testLogits, hyperparameters, head } = this.fit.result;
      this.keepLogits(testLogits);
      this.perFold = [...this.perFold, { accuracy: test.accuracy, macroF1: test.macro.f1 }];
      this.rounds_ = [
        ...this.rounds_,
        {
          sweep: hyperparameters.sweep,
          chosen: hyperparameters.chosen,
          temperature: head.temperature,
        },
      ];
      this.fit = null;
    }
    return spent;
  }

  checkpoint(): CrossValidationCheckpoint {
    return {
      perFold: this.perFold,
      rounds: this.rounds_,
      outOfFoldLogits: this.outOfFoldLogits,
      fit: this.fit?.checkpoint() ?? null,
    };
  }

  /** The held-out logits of every repeat, once done. */
  outOfFold(): OutOfFold {
    if (!this.done) throw new Error("cross-validation: not finished");
    const { y, labels } = this.input;
    const n = y.length;
    const classes = labels.length;
    const logits: Matrix[] = [];
    const temperatures: Float64Array[] = [];
    for (let repeat = 0; repeat < this.repeats; repeat++) {
      const start = repeat * n * classes;
      logits.push({
        rows: n,
        cols: classes,
        data: this.outOfFoldLogits.slice(start, start + n * classes),
      });
      const foldOf = this.foldsOfRepeat(repeat);
      temperatures.push(
        Float64Array.from(
          foldOf,
          (fold) => (this.rounds_[repeat * this.folds + fold] as RoundOutcome).temperature,
        ),
      );
    }
    return { logits, temperatures, rounds: this.rounds_ };
  }

  /** Stores the finished round's test-fold logits at its samples' rows. */
  private keepLogits(testLogits: Matrix): void {
    const round = this.roundsDone;
    const repeat = Math.floor(round / this.folds);
    const { test } = crossValidationRoundSplit(this.input, this.folds, round);
    const classes = this.input.labels.length;
    const base = repeat * this.input.y.length * classes;
    test.forEach((i, row) => {
      this.outOfFoldLogits.set(
        testLogits.data.subarray(row * classes, (row + 1) * classes),
        base + i * classes,
      );
    });
  }

  private foldsOfRepeat(repeat: number): Int32Array {
    const { input, folds } = this;
    return stratifiedKFold(input.y, input.labels.length, folds, (input.seed ?? 0) + repeat);
  }

  result(): CrossValidationReport {
    const { folds, repeats, perFold } = this;
    return {
      folds,
      repeats,
      perFold,
      accuracy: foldStatistic(
        perFold.map((s) => s.accuracy),
        folds,
      ),
      macroF1: foldStatistic(
        perFold.map((s) => s.macroF1),
        folds,
      ),
    };
  }

  private roundFit(): FitRun {
    const { input, folds } = this;
    const round = this.roundsDone;
    const run = new FitRun(
      {
        spec: HEAD_SPECS[input.headType],
        backbone: input.backbone,
        options: input.options ?? {},
        targetPrecision: this.targetPrecision,
        X: input.X,
        y: input.y,
        labels: input.labels,
        split: crossValidationRoundSplit(input, folds, round),
      },
      this.resumeFit ?? undefined,
    );
    this.resumeFit = null;
    return run;
  }
}

/**
 * The split of round `round` (repeat ⌊round / k⌋, test fold round mod k) of a cross-validation of
 * these samples: any other measure on the same samples and seed gets the very same folds.
 */
export function crossValidationRoundSplit(
  input: Pick<CrossValidationInput, "y" | "labels" | "seed">,
  folds: number,
  round: number,
): SplitIndices {
  const repeat = Math.floor(round / folds);
  const foldOf = stratifiedKFold(input.y, input.labels.length, folds, (input.seed ?? 0) + repeat);
  return roundSplit(foldOf, round % folds, folds);
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
