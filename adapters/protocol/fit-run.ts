import type { Classifier, EstimatorState } from "../estimator";
import type { FitCheckpoint, FitProcess } from "../fit-process";
import { AdapterHead, ALWAYS_ABSTAIN } from "../heads/adapter-head";
import type { HeadSpec } from "../heads/head-spec";
import { type FeatureMatrix, type Matrix, selectRows } from "../linalg/matrix";
import { MatrixMemo } from "../linalg/matrix-memo";
import { softmaxWithTemperature } from "../linalg/softmax";
import { classificationMetrics } from "../metrics/classification-metrics";
import { logLoss } from "../metrics/log-loss";
import { fitScaler } from "../preprocessing/block-scaling";
import type { StandardScaler } from "../preprocessing/standard-scaler";
import { decodeHead, encodeHead } from "../serialization/head-codec";
import type {
  AbstainReport,
  BackboneRef,
  ChosenHyperparameters,
  ClassificationMetrics,
  Hyperparameters,
  SweepRow,
  TrainingReport,
  TrainOptions,
  TrainProgress,
} from "../types";
import {
  type AbstainThreshold,
  chooseAbstainThreshold,
  selectivePerformance,
} from "./abstain-threshold";
import type { SplitIndices } from "./stratified-split";
import { isBetter, SELECTION_RULE } from "./sweep-rule";
import { fitTemperature } from "./temperature-scaling";

export interface FitHeadInput {
  spec: HeadSpec;
  backbone: BackboneRef;
  options: TrainOptions;
  targetPrecision: number | null;
  /** Raw (unscaled) embeddings of all samples, and their class indices into `labels`. */
  X: FeatureMatrix;
  y: Int32Array;
  labels: string[];
  split: SplitIndices;
}

export interface FitHeadResult {
  head: AdapterHead;
  hyperparameters: ChosenHyperparameters;
  calibration: TrainingReport["calibration"];
  abstain: AbstainReport | null;
  /** Metrics of the head's calibrated probabilities on the test split. */
  test: ClassificationMetrics;
  /** The head's uncalibrated logits on the test split, rows in split order (for calibration elsewhere). */
  testLogits: Matrix;
}

type Stage = "sweep" | "calibrate" | "refit" | "done";

/** Temperature and abstain threshold fitted on the validation split. */
export interface Calibration {
  temperature: number;
  abstain: AbstainThreshold | null;
  validationLogLossBefore: number;
  validationLogLossAfter: number;
}

/** Where a fit run stands between two steps: plain data and float64 arrays only (checkpoint-codec). */
export interface FitRunCheckpoint {
  stage: Stage;
  /** The sweep candidate being fitted. */
  candidate: number;
  rows: SweepRow[];
  /** The best candidate so far (index into rows) and its model fitted on train. */
  best: { row: number; state: EstimatorState } | null;
  /** The last fitted candidate, the next one's warm start (for head types that warm-start). */
  previous: EstimatorState | null;
  calibration: Calibration | null;
  /** The fit in progress (a sweep candidate or the refit). */
  fit: FitCheckpoint | null;
}

/** Flops of the cheap stages (calibration, evaluation): a rough count so steps stay bounded. */
const PASS_FLOPS_PER_VALUE = 20;

/**
 * The protocol after the split, as a process of bounded steps: sweep on validation (each candidate
 * warm-started from the previous one, the CLIP linear-probe protocol), calibrate the chosen model's
 * temperature and abstain threshold on validation, refit on train + validation, then evaluate the
 * stored (serialized and decoded) head once on the untouched test split. Temperature and threshold
 * come from the train-only model, because after the refit no held-out data is left to fit them on.
 */
export class FitRun {
  private readonly candidates: Hyperparameters[];
  /**
   * The scaled train and validation splits of the sweep and calibration: built when first needed
   * (not at all when resuming in the refit), released when the refit starts (it needs its own copy).
   */
  private splits: {
    train: LabelledMatrix;
    validation: LabelledMatrix;
    /** The sweep's candidates all fit on train: what they derive from it alone, done once. */
    trainMemo: MatrixMemo;
  } | null = null;
  private state: FitRunCheckpoint;
  /** Live models for the checkpoint's states (restored lazily after a resume). */
  private bestModel: Classifier | null = null;
  private previousModel: Classifier | null = null;
  private fit: { estimator: Classifier; process: FitProcess } | null = null;
  private outcome: FitHeadResult | null = null;
  /** Train + validation, scaled: built once when the refit starts (it is large), released once it is fitted. */
  private refit: { X: Matrix; y: Int32Array; scaler: StandardScaler } | null = null;

  constructor(
    private readonly input: FitHeadInput,
    resume?: FitRunCheckpoint,
  ) {
    const { spec, options, labels } = input;
    this.candidates = spec.candidates(options, labels);
    this.state = resume ?? {
      stage: "sweep",
      candidate: 0,
      rows: [],
      best: null,
      previous: null,
      calibration: null,
      fit: null,
    };
  }

  get done(): boolean {
    return this.state.stage === "done";
  }

  get result(): FitHeadResult {
    if (!this.outcome) throw new Error("fit run: not finished");
    return this.outcome;
  }

  /** Overall progress of the fit in [0, 1]: the sweep is most of it, the refit the rest. */
  get progress(): TrainProgress {
    const { stage, candidate } = this.state;
    const count = this.candidates.length;
    const within = this.fit?.process.fraction ?? 0;
    const status = this.fit?.process.status;
    switch (stage) {
      case "sweep":
        return {
          stage,
          fraction: 0.75 * ((candidate + within) / count),
          message: `candidate ${candidate + 1}/${count} ${JSON.stringify(this.candidates[candidate])}${status ? `; ${status}` : ""}`,
        };
      case "calibrate":
        return {
          stage,
          fraction: 0.75,
          message: "fitting the temperature and abstain threshold on validation",
        };
      case "refit":
        return {
          stage,
          fraction: 0.75 + 0.2 * within,
          message: "refitting on train + validation",
        };
      default:
        return { stage: "evaluate", fraction: 0.95, message: "evaluating on the test split" };
    }
  }

  /**
   * Works until about `flops` are spent, a sweep candidate or a stage ends, or the run ends; returns
   * the flops spent. Ending at those boundaries lets every stage's progress be seen.
   */
  advance(flops: number): number {
    const { stage, candidate } = this.state;
    let spent = 0;
    do spent += this.unit(flops - spent);
    while (
      spent < flops &&
      this.state.stage === stage &&
      this.state.candidate === candidate &&
      !this.done
    );
    return spent;
  }

  checkpoint(): FitRunCheckpoint {
    return { ...this.state, fit: this.fit?.process.checkpoint() ?? null };
  }

  private unit(flops: number): number {
    switch (this.state.stage) {
      case "sweep":
        return this.sweepUnit(flops);
      case "calibrate":
        return this.calibrate();
      case "refit":
        return this.refitUnit(flops);
      default:
        return 0;
    }
  }

  private sweepUnit(flops: number): number {
    const { spec, options, labels } = this.input;
    const hyperparameters = this.candidates[this.state.candidate] as Hyperparameters;
    if (!this.fit) {
      const estimator = spec.create(hyperparameters, options, labels);
      const process = estimator.startFit(
        this.train.X,
        this.train.y,
        {
          classCount: labels.length,
          validation: this.validation,
          warmStart: this.previous() ?? undefined,
          memo: this.sweepData().trainMemo,
        },
        this.state.fit ?? undefined,
      );
      this.fit = { estimator, process };
    }
    const spent = this.fit.process.advance(flops);
    if (!this.fit.process.done) return spent;

    const { estimator } = this.fit;
    const row: SweepRow = {
      hyperparameters,
      validationAccuracy: estimator.score(this.validation.X, this.validation.y),
      validationLogLoss: logLoss(estimator.predictProba(this.validation.X), this.validation.y),
      ...estimator.fitSummary,
    };
    const rows = [...this.state.rows, row];
    const incumbent = this.state.best && rows[this.state.best.row];
    const improves = !incumbent || isBetter(row, incumbent, this.validation.y.length);
    if (improves) this.bestModel = estimator;
    this.previousModel = estimator;
    const candidate = this.state.candidate + 1;
    this.fit = null;
    this.state = {
      ...this.state,
      stage: candidate === this.candidates.length ? "calibrate" : "sweep",
      candidate,
      rows,
      best: improves
        ? { row: rows.length - 1, state: estimator.getState() }
        : (this.state.best as FitRunCheckpoint["best"]),
      previous: this.input.spec.warmStarts ? estimator.getState() : null,
      fit: null,
    };
    return spent + this.passFlops(this.validation.X);
  }

  /**
   * The chosen candidate's uncalibrated logits on the validation split, once the sweep is over.
   * After the refit, only the validation rows are scaled again (not the train split as well).
   */
  validationLogits(): Matrix {
    if (this.state.stage === "sweep") throw new Error("fit run: the sweep is not over");
    const { X, split } = this.input;
    const validation =
      this.splits?.validation.X ?? this.sweepScaler().transform(X, split.validation);
    return this.best().decisionFunction(validation);
  }

  private calibrate(): number {
    const chosen = this.best();
    const logits = chosen.decisionFunction(this.validation.X);
    const temperature = fitTemperature(logits, this.validation.y);
    const probabilities = softmaxWithTemperature(logits, temperature);
    const { targetPrecision } = this.input;
    this.state = {
      ...this.state,
      stage: "refit",
      calibration: {
        temperature,
        abstain:
          targetPrecision === null
            ? null
            : chooseAbstainThreshold(probabilities, this.validation.y, targetPrecision),
        validationLogLossBefore: logLoss(softmaxWithTemperature(logits, 1), this.validation.y),
        validationLogLossAfter: logLoss(probabilities, this.validation.y),
      },
    };
    return this.passFlops(this.validation.X);
  }

  private refitUnit(flops: number): number {
    const { spec, options, labels } = this.input;
    if (!this.fit) {
      const refit = this.refitData();
      const estimator = spec.create(this.refitHyperparameters(), options, labels);
      const process = estimator.startFit(
        refit.X,
        refit.y,
        { classCount: labels.length, warmStart: this.best() },
        this.state.fit ?? undefined,
      );
      this.fit = { estimator, process };
    }
    const spent = this.fit.process.advance(flops);
    // Evaluated in the same unit, so no checkpoint ever needs the refit model itself.
    return this.fit.process.done ? spent + this.evaluate(this.fit.estimator) : spent;
  }

  private evaluate(estimator: Classifier): number {
    const { spec, backbone, labels, split, targetPrecision } = this.input;
    const calibration = this.state.calibration as Calibration;
    const { scaler } = this.refitData();
    const { abstain } = calibration;
    const trained = new AdapterHead(
      {
        headType: spec.headType,
        backbone,
        labels,
        scaler,
        estimator,
        temperature: calibration.temperature,
        abstainThreshold: abstain ? (abstain.threshold ?? ALWAYS_ABSTAIN) : null,
      },
      encodeHead,
    );
    const head = decodeHead(trained.serialize(), backbone);
    // The refit's scaled set (the fit holds it too) is not needed again: let it go before the test
    // rows are copied and scaled.
    this.fit = null;
    this.refit = null;
    const test = this.rowsOf(split.test);
    const testLogits = head.logits(test.X);
    const testProbabilities = softmaxWithTemperature(testLogits, head.temperature);
    this.outcome = {
      head,
      hyperparameters: {
        chosen: this.refitHyperparameters(),
        selection: SELECTION_RULE,
        sweep: this.state.rows,
      },
      ...heldOutResults(calibration, {
        validationSamples: split.validation.length,
        targetPrecision,
        testProbabilities,
        yTest: test.y,
        labels,
      }),
      testLogits,
    };
    this.state = { ...this.state, stage: "done" };
    return this.passFlops(test.X);
  }

  private refitHyperparameters(): Hyperparameters {
    const best = this.state.best as NonNullable<FitRunCheckpoint["best"]>;
    const chosen = (this.state.rows[best.row] as SweepRow).hyperparameters;
    return this.input.spec.refitHyperparameters(chosen, this.best());
  }

  private get train(): LabelledMatrix {
    return this.sweepData().train;
  }

  private get validation(): LabelledMatrix {
    return this.sweepData().validation;
  }

  private sweepData() {
    if (!this.splits) {
      const { X, split } = this.input;
      // Selected and scaled in one pass from the full matrix: no raw copy of either split.
      const scaler = this.sweepScaler();
      const train = { X: scaler.transform(X, split.train), y: this.labelsOf(split.train) };
      this.splits = {
        train,
        validation: {
          X: scaler.transform(X, split.validation),
          y: this.labelsOf(split.validation),
        },
        trainMemo: new MatrixMemo(train.X),
      };
    }
    return this.splits;
  }

  /** The sweep's scaler: fitted on the train split. */
  private sweepScaler() {
    const { X, spec, backbone, split } = this.input;
    return fitScaler(X, spec.standardize, backbone.blocks, split.train);
  }

  private refitData() {
    if (!this.refit) {
      this.splits = null;
      const { split, spec } = this.input;
      const rows = Int32Array.from([...split.train, ...split.validation]);
      const scaler = fitScaler(this.input.X, spec.standardize, this.input.backbone.blocks, rows);
      this.refit = { X: scaler.transform(this.input.X, rows), y: this.labelsOf(rows), scaler };
    }
    return this.refit;
  }

  private best(): Classifier {
    const best = this.state.best as NonNullable<FitRunCheckpoint["best"]>;
    this.bestModel ??= this.input.spec.restore(best.state);
    return this.bestModel;
  }

  private previous(): Classifier | null {
    if (!this.state.previous) return null;
    this.previousModel ??= this.input.spec.restore(this.state.previous);
    return this.previousModel;
  }

  private rowsOf(indices: Int32Array) {
    return { X: selectRows(this.input.X, indices), y: this.labelsOf(indices) };
  }

  private labelsOf(indices: Int32Array): Int32Array {
    return Int32Array.from(indices, (i) => this.input.y[i] as number);
  }

  private passFlops(X: Matrix): number {
    return PASS_FLOPS_PER_VALUE * X.data.length;
  }
}

interface LabelledMatrix {
  X: Matrix;
  y: Int32Array;
}

/**
 * A validation-calibrated head's report parts: its calibration, its abstain threshold with how it
 * does on test, and its test metrics.
 */
export function heldOutResults(
  calibration: Calibration,
  held: {
    validationSamples: number;
    targetPrecision: number | null;
    testProbabilities: Matrix;
    yTest: Int32Array;
    labels: string[];
  },
): Pick<FitHeadResult, "calibration" | "abstain" | "test"> {
  const { abstain } = calibration;
  return {
    calibration: {
      method: "temperature-scaling",
      temperature: calibration.temperature,
      fittedOn: "validation",
      samples: held.validationSamples,
      logLossBefore: calibration.validationLogLossBefore,
      logLossAfter: calibration.validationLogLossAfter,
    },
    abstain: abstain && {
      targetPrecision: held.targetPrecision as number,
      threshold: abstain.threshold,
      reachable: abstain.threshold !== null,
      fittedOn: "validation",
      precision: abstain.precision,
      coverage: abstain.coverage,
      test: selectivePerformance(held.testProbabilities, held.yTest, abstain.threshold),
    },
    test: classificationMetrics(held.testProbabilities, held.yTest, held.labels),
  };
}
