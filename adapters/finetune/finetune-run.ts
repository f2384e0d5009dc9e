/**
 * The training protocol for a "finetune" head, as a process of bounded steps like TrainingRun, on
 * the same preparation (validation, dedupe). Its evaluation protocol is always a holdout split
 * (stratified, seeded, the request's fractions): finetuning stops early on the validation split,
 * which cross-validation's refit on every sample would not have.
 *
 * 1. frozen: the logistic protocol (FitRun) on the samples' frozen embeddings. Its finished head
 *    is the fallback; its chosen C sets the finetune classifier's L2.
 * 2. start: the classifier a finetune starts from, a logistic regression at that C on the train
 *    split's embeddings standardised by the floored scaler (start.ts: flooredScaling).
 * 3. finetune: a sweep of the top's learning rate × the L2-SP strength, each candidate a
 *    FinetuneFit from (pretrained top, frozen classifier) with early stopping on validation.
 * 4. the choice, by the protocol's rule (sweep-rule.ts: accuracy, log loss within its noise): a
 *    candidate must beat the frozen head's own validation row, clearly (beats-frozen.ts: as many
 *    right, a paired loss gain beyond its noise), at a kept epoch after 0; otherwise the result is
 *    the frozen head, which is cheaper to store and to run.
 * 5. calibration (temperature, abstain threshold) on the kept epoch's validation logits, and one
 *    pass over the test split, in chunks, assessed as TrainingRun assesses a holdout fit
 *    (holdoutAssessment: Wilson and bootstrap intervals, metrics, per-sample predictions).
 *
 * The finetuned model is not refitted on train + validation (validation is what stops it); the
 * frozen fallback is, as a holdout FitRun does.
 *
 * Memory: the frozen embeddings (samples × dimension, float32 as they come) are held only while stages 1 and 2
 * need them, the input's samples only until they are copied, and the matrix kernel's memory grown
 * for the logistic fits is let go after stage 2; the starting model (float64) is made for each
 * candidate and dropped by its fit at its first step. So the finetune stage holds the pretrained
 * top (float32), the fit's buffers and one chunk's, whatever the number of samples.
 */

import type { EstimatorState } from "../estimator";
import type { FitCheckpoint, FitProcess } from "../fit-process";
import { ALWAYS_ABSTAIN } from "../heads/adapter-head";
import { releaseKernelMemory } from "../linalg/gemm";
import { type FeatureMatrix, type Matrix, selectRows } from "../linalg/matrix";
import { softmaxWithTemperature } from "../linalg/softmax";
import { logisticHeadSpec } from "../logistic/head-spec";
import { LogisticRegression } from "../logistic/logistic-regression";
import { logLoss } from "../metrics/log-loss";
import { StandardScaler } from "../preprocessing/standard-scaler";
import { chooseAbstainThreshold } from "../protocol/abstain-threshold";
import { classSupport } from "../protocol/class-indices";
import { deduplicate } from "../protocol/deduplicate";
import {
  type Calibration,
  type FitHeadResult,
  FitRun,
  type FitRunCheckpoint,
  heldOutResults,
} from "../protocol/fit-run";
import {
  type Assessment,
  assessmentFlops,
  holdoutAssessment,
} from "../protocol/held-out-assessment";
import { type SplitIndices, stratifiedSplit } from "../protocol/stratified-split";
import { isBetter, SELECTION_RULE } from "../protocol/sweep-rule";
import { fitTemperature } from "../protocol/temperature-scaling";
import { prepare, reportedHyperparameters, reportedSamples } from "../protocol/train-head";
import { protocolOptions } from "../protocol/validate-options";
import { base64ToBytes, bytesToBase64 } from "../serialization/base64";
import type {
  BackboneRef,
  EpochLoss,
  EvaluationProtocol,
  Hyperparameters,
  LabelledEmbedding,
  SweepRow,
  TrainingReport,
  TrainOptions,
  TrainProgress,
} from "../types";
import type { CutActivationSource } from "./activation-source";
import { beatsFrozen } from "./beats-frozen";
import { FinetuneFit, type FinetuneFitCheckpoint, type FinetuneParams } from "./finetune-fit";
import { decodeFinetuneHead, FinetuneHead } from "./finetune-head";
import {
  CLASSIFIER_LEARNING_RATE_RATIO,
  finetuneCandidates,
  finetuneFixedOptions,
} from "./finetune-options";
import { topLayout } from "./layout";
import { flooredScaling, type PretrainedTop, standardised, startingModel } from "./start";
import { inferenceFlops, type TopModel, topLogits } from "./top-model";

export interface FinetuneRunInput {
  /** The backbone of the samples' frozen embeddings (its top's output layer). */
  backbone: BackboneRef;
  top: PretrainedTop;
  /** Frozen embeddings (features) with their labels and content hashes. */
  samples: LabelledEmbedding[];
  /** The same samples' cut activations, by the same index. */
  source: CutActivationSource;
  options?: TrainOptions;
  /**
   * The train/validation/test split of the deduplicated samples, when the caller draws it (a
   * selection's cross-validation round); else the stratified split of the options' fractions.
   */
  split?: SplitIndices;
}

type Stage = "frozen" | "start" | "finetune" | "evaluate" | "done";

interface FrozenOutcome {
  /** The frozen logistic head as stored (base64 of its bytes), the fallback. */
  head: string;
  /** Its held-out assessment on the test split. */
  assessment: Assessment;
  /** Its chosen model fitted on train (its C is the finetune classifier's). */
  classifier: EstimatorState;
  validation: SweepRow;
  /** Its uncalibrated logits on the validation split, what a finetuned top must clearly beat. */
  validationLogits: Float64Array;
}

export interface FinetuneRunCheckpoint {
  stage: Stage;
  frozenRun: FitRunCheckpoint | null;
  frozen: FrozenOutcome | null;
  /** The start stage's logistic fit, while it runs. */
  startFit: FitCheckpoint | null;
  /** The classifier every candidate starts from, on the scaler `startScaling` names. */
  startClassifier: EstimatorState | null;
  /**
   * The start with the lower validation loss: "floored" (the floored scaler and the classifier
   * refitted on it) or "standard" (the frozen head's scaler and classifier: epoch 0 is the frozen
   * head). Null until the start stage ends.
   */
  startScaling: "floored" | "standard" | null;
  candidate: number;
  rows: SweepRow[];
  /** Each finished candidate's validation loss per epoch (the progress events' history). */
  epochs: EpochLoss[][];
  /** The chosen candidate; its weights are float32, as trained. */
  best: { row: number; theta: Float32Array; validationLogits: Float64Array } | null;
  fit: FinetuneFitCheckpoint | null;
  calibration: Calibration | null;
  /** Test logits computed so far (evaluate stage), in test-split order. */
  testLogits: Float64Array | null;
  testCursor: number;
  /** The chosen head's assessment, once done (the frozen head's when it is the fallback). */
  assessment: Assessment | null;
  /** Time spent computing in the steps so far (wall time between steps is not counted). */
  computeMs: number;
}

/** Either way the frozen logistic head (stored bytes, test assessment) comes along: selection ranks the two. */
export type FinetuneResult = { frozenHead: Uint8Array; frozenAssessment: Assessment } & (
  | {
      kind: "finetune";
      head: FinetuneHead;
      /** The chosen weights before quantisation, to measure what storing them costs. */
      tunedModel: TopModel;
      report: FinetuneReport;
    }
  | { kind: "frozen"; report: FinetuneReport }
);

/**
 * A TrainingReport of the holdout protocol. `samples.servedHeadTrainedOn` is the train split for a
 * finetune head (validation stops it) and train + validation for the frozen fallback.
 */
export interface FinetuneReport extends Omit<TrainingReport, "headType"> {
  /** "finetune", or "logistic" when no candidate beat the frozen head on validation. */
  headType: "finetune" | "logistic";
  finetune: {
    /** Validation of the frozen head, then of each finetune candidate at its kept epoch. */
    frozenValidation: SweepRow;
    candidates: (SweepRow & { epochs: EpochLoss[] })[];
    chosen: "frozen" | number;
    /** Why no top was trained, when the validation split is too thin to choose one. */
    note?: string;
  };
}

/**
 * Validation samples of every label a finetune needs before it may be chosen over the frozen head.
 * That split picks the top's epoch and candidate, then judges it: at 6 per label (Fashion-MNIST, 30
 * per class, 60/20/20), tops that passed on it scored 3.0 and 7.3 points below the frozen head on
 * 1,000 and 300 test images; at 12 per label and more, validation never kept a top that lost.
 */
export const MIN_VALIDATION_PER_LABEL = 10;

/** Samples per unit of the test pass. */
const TEST_CHUNK = 16;

export class FinetuneRun {
  private readonly input: Omit<FinetuneRunInput, "samples" | "top">;
  private readonly prepared: Omit<ReturnType<typeof prepare>, "X">;
  /** The deduplicated samples' frozen embeddings, while the frozen and start stages need them. */
  private embeddings: FeatureMatrix | null;
  /** The pretrained top (float32 as read): each candidate's start, and L2-SP's anchor. */
  private readonly top: PretrainedTop;
  /** The standard scaler of the train split, which every start scaling derives from. */
  private readonly trainScaler: StandardScaler;
  private readonly split: SplitIndices;
  private readonly protocol: Extract<EvaluationProtocol, { kind: "holdout" }>;
  /** Index in the input (and the source) of each deduplicated sample. */
  private readonly sourceIndex: Int32Array;
  private readonly candidates: Hyperparameters[];
  private readonly fixed: Pick<FinetuneParams, "batchSize" | "maxEpochs" | "patience" | "seed">;
  private state: FinetuneRunCheckpoint;
  private frozenRun: FitRun | null = null;
  private startFit: { model: LogisticRegression; process: FitProcess } | null = null;
  private fit: FinetuneFit | null = null;
  private head: FinetuneHead | null = null;

  constructor(input: FinetuneRunInput, resume?: FinetuneRunCheckpoint) {
    const { samples: _samples, top, ...kept } = input;
    this.input = kept;
    this.top = top;
    const options = input.options ?? {};
    const { X, ...prepared } = prepare({
      headType: "logistic",
      backbone: input.backbone,
      samples: input.samples,
      options,
    });
    this.prepared = prepared;
    const { y, labels, seed } = prepared;
    const { fractions } = protocolOptions(options);
    this.split = input.split ?? stratifiedSplit(y, labels.length, fractions, seed);
    // Fitted once on the train rows in place (no copy of the split), then floored or not.
    this.trainScaler = new StandardScaler().fit(X, this.split.train);
    this.protocol = {
      kind: "holdout",
      fractions,
      reason: "finetuning stops early on a validation split, so it is evaluated on a holdout split",
    };
    const position = new Map(input.samples.map((sample, i) => [sample, i]));
    this.sourceIndex = Int32Array.from(
      deduplicate(input.samples).samples,
      (sample) => position.get(sample) as number,
    );
    this.candidates = finetuneCandidates(options);
    this.fixed = { ...finetuneFixedOptions(options), seed: this.prepared.seed };
    this.state = resume ?? {
      stage: "frozen",
      frozenRun: null,
      frozen: null,
      startFit: null,
      startClassifier: null,
      startScaling: null,
      candidate: 0,
      rows: [],
      epochs: [],
      best: null,
      fit: null,
      calibration: null,
      testLogits: null,
      testCursor: 0,
      assessment: null,
      computeMs: 0,
    };
    const { stage } = this.state;
    this.embeddings = stage === "frozen" || stage === "start" ? X : null;
  }

  get done(): boolean {
    return this.state.stage === "done";
  }

  get progress(): TrainProgress & { epoch?: number; validationLoss?: number } {
    const { stage, candidate } = this.state;
    if (stage === "frozen") {
      const inner = this.frozenRun?.progress;
      return {
        stage: "sweep",
        fraction: 0.1 * (inner?.fraction ?? 0),
        message: `frozen head: ${inner?.message ?? "starting"}`,
      };
    }
    if (stage === "start") {
      return {
        stage: "sweep",
        fraction: 0.1,
        message: "finetune: fitting the starting classifier",
      };
    }
    if (stage === "finetune") {
      const count = this.candidates.length;
      const last = this.fit?.epochs.at(-1);
      return {
        stage: "sweep",
        fraction: 0.1 + 0.8 * ((candidate + (this.fit?.fraction ?? 0)) / count),
        // The MLP's wording, which the console plots as learning curves (src/console/app/plots.ts).
        message: `candidate ${candidate + 1}/${count} ${JSON.stringify(this.candidates[candidate])}${last ? `; epoch ${last.epoch} validation loss ${last.validationLoss.toFixed(4)}` : ""}`,
        ...(last && { epoch: last.epoch, validationLoss: last.validationLoss }),
      };
    }
    return { stage: "evaluate", fraction: 0.95, message: "evaluating on the test split" };
  }

  advance(flops: number): number {
    const started = performance.now();
    let spent = 0;
    do spent += this.unit(flops - spent);
    while (spent < flops && !this.done);
    this.state = { ...this.state, computeMs: this.state.computeMs + performance.now() - started };
    return spent;
  }

  checkpoint(): FinetuneRunCheckpoint {
    return {
      ...this.state,
      frozenRun:
        this.state.stage === "frozen"
          ? (this.frozenRun?.checkpoint() ?? this.state.frozenRun)
          : null,
      startFit:
        this.state.stage === "start"
          ? (this.startFit?.process.checkpoint() ?? this.state.startFit)
          : null,
      fit: this.fit?.checkpoint() ?? this.state.fit,
    };
  }

  result(): FinetuneResult {
    const { frozen, calibration, best, rows, epochs, assessment } = this.state;
    if (this.state.stage !== "done" || !frozen || !assessment) {
      throw new Error("finetune run: not finished");
    }
    const finetune = {
      frozenValidation: frozen.validation,
      candidates: rows.map((row, i) => ({ ...row, epochs: epochs[i] ?? [] })),
      chosen: best && calibration ? best.row : ("frozen" as const),
      ...(this.thinValidation() && {
        note: `the validation split holds fewer than ${MIN_VALIDATION_PER_LABEL} samples of some label, too few to choose a finetuned top over the frozen head, so no top was trained: upload more samples, or give a larger validation fraction`,
      }),
    };
    const frozenHead = base64ToBytes(frozen.head);
    const report = (headType: FinetuneReport["headType"], bytes: number, trainedOn: number) => ({
      headType,
      backbone: this.input.backbone,
      seed: this.prepared.seed,
      samples: reportedSamples(this.prepared, trainedOn),
      ...assessment,
      hyperparameters: reportedHyperparameters(assessment.hyperparameters, this.input.options),
      serializedBytes: bytes,
      fitTimeMs: this.state.computeMs,
      finetune,
    });
    if (!best || !calibration) {
      const trainedOn = this.split.train.length + this.split.validation.length;
      return {
        kind: "frozen",
        frozenHead,
        frozenAssessment: frozen.assessment,
        report: report("logistic", frozenHead.length, trainedOn),
      };
    }
    const head = this.chosenHead();
    return {
      kind: "finetune",
      frozenHead,
      frozenAssessment: frozen.assessment,
      head,
      tunedModel: { ...this.network(), theta: Float64Array.from(best.theta) },
      report: report("finetune", head.serialize().length, this.split.train.length),
    };
  }

  private unit(flops: number): number {
    switch (this.state.stage) {
      case "frozen":
        return this.frozenUnit(flops);
      case "start":
        return this.startUnit(flops);
      case "finetune":
        return this.finetuneUnit(flops);
      case "evaluate":
        return this.evaluateUnit();
      default:
        return 0;
    }
  }

  private frozenUnit(flops: number): number {
    const { y, labels, targetPrecision } = this.prepared;
    const X = this.frozenEmbeddings();
    this.frozenRun ??= new FitRun(
      {
        spec: logisticHeadSpec,
        backbone: this.input.backbone,
        options: this.input.options ?? {},
        targetPrecision,
        X,
        y,
        labels,
        split: this.split,
      },
      this.state.frozenRun ?? undefined,
    );
    const spent = this.frozenRun.advance(flops);
    if (!this.frozenRun.done) return spent;
    // Captured in the unit that finishes it: a FitRun's result does not survive its checkpoint.
    const { head, ...results } = this.frozenRun.result;
    const { best, rows } = this.frozenRun.checkpoint();
    if (!best) throw new Error("finetune run: the frozen sweep chose nothing");
    this.state = {
      ...this.state,
      stage: "start",
      frozenRun: null,
      frozen: {
        head: bytesToBase64(head.serialize()),
        assessment: holdoutAssessment(this.prepared, this.protocol, results, this.split.test),
        classifier: best.state,
        validation: rows[best.row] as SweepRow,
        validationLogits: this.frozenRun.validationLogits().data,
      },
    };
    this.frozenRun = null;
    if (this.thinValidation()) {
      // Nothing a finetune could show would be trusted: the frozen head is the result, untouched.
      this.state = {
        ...this.state,
        stage: "done",
        assessment: this.state.frozen?.assessment ?? null,
      };
      this.embeddings = null;
      releaseKernelMemory();
    }
    return spent + assessmentFlops(this.split.test.length, labels.length);
  }

  /** The starting classifier: the frozen head's logistic regression, refitted on the floored scaler. */
  private startUnit(flops: number): number {
    if (!this.startFit) {
      const frozen = this.state.frozen as FrozenOutcome;
      const model = new LogisticRegression(LogisticRegression.fromState(frozen.classifier).params);
      const { y, labels } = this.prepared;
      const train = selectRows(this.frozenEmbeddings(), this.split.train);
      const process = model.startFit(
        standardised(train, this.scaling()),
        Int32Array.from(this.split.train, (i) => y[i] as number),
        { classCount: labels.length },
        this.state.startFit ?? undefined,
      );
      this.startFit = { model, process };
    }
    const { model, process } = this.startFit;
    const spent = process.advance(flops);
    if (!process.done) return spent;
    // Epoch 0 on the frozen validation embeddings (the top is still the pretrained one): the floored
    // start is taken only where it beats the frozen head there, which a confident frozen head on
    // easy data can make impossible to beat from a refitted classifier.
    const frozen = this.state.frozen as FrozenOutcome;
    const { y } = this.prepared;
    const validation = standardised(
      selectRows(this.frozenEmbeddings(), this.split.validation),
      this.scaling(),
    );
    const yValidation = Int32Array.from(this.split.validation, (i) => y[i] as number);
    const floored =
      logLoss(model.predictProba(validation), yValidation) < frozen.validation.validationLogLoss;
    this.state = {
      ...this.state,
      stage: "finetune",
      startFit: null,
      startClassifier: floored ? model.getState() : frozen.classifier,
      startScaling: floored ? "floored" : "standard",
    };
    this.startFit = null;
    // The finetune reads cut activations, not embeddings; the kernel's copies of them go too.
    this.embeddings = null;
    releaseKernelMemory();
    return spent;
  }

  private frozenEmbeddings(): FeatureMatrix {
    if (!this.embeddings) throw new Error("finetune run: the embeddings were released");
    return this.embeddings;
  }

  private finetuneUnit(flops: number): number {
    const { candidate } = this.state;
    const hyperparameters = this.candidates[candidate] as Hyperparameters;
    this.fit ??= this.candidateFit(hyperparameters);
    const spent = this.fit.advance(flops);
    if (!this.fit.done) return spent;

    const outcome = this.fit.outcome;
    const kept = outcome.history.find((record) => record.epoch === outcome.bestEpoch);
    const row: SweepRow = {
      hyperparameters: { ...hyperparameters, epochs: outcome.bestEpoch },
      validationAccuracy: kept?.validationAccuracy ?? 0,
      validationLogLoss: kept?.validationLoss ?? Number.POSITIVE_INFINITY,
      iterations: outcome.history.length - 1,
      converged: outcome.history.length - 1 < this.fixed.maxEpochs,
    };
    const rows = [...this.state.rows, row];
    const frozen = this.state.frozen as FrozenOutcome;
    const incumbent = this.state.best ? (rows[this.state.best.row] as SweepRow) : frozen.validation;
    const improves =
      outcome.bestEpoch > 0 &&
      isBetter(row, incumbent, this.split.validation.length) &&
      this.topBeatsFrozen(outcome.validationLogits, frozen);
    const next = candidate + 1;
    this.fit = null;
    this.state = {
      ...this.state,
      stage: next === this.candidates.length ? "evaluate" : "finetune",
      candidate: next,
      rows,
      epochs: [
        ...this.state.epochs,
        outcome.history.map(({ epoch, validationLoss }) => ({ epoch, validationLoss })),
      ],
      best: improves
        ? {
            row: rows.length - 1,
            // Kept after epoch 0, so the fit's own copy of the kept epoch's weights.
            theta: outcome.theta as Float32Array,
            validationLogits: outcome.validationLogits,
          }
        : this.state.best,
      fit: null,
    };
    if (this.state.stage === "evaluate") this.calibrate();
    return spent;
  }

  /**
   * The candidate's fit, resumed from the checkpoint's if there is one. The fit copies its weights
   * and moments, so the checkpoint's are let go (in a call of their own, whose frame goes with them).
   */
  private candidateFit(hyperparameters: Hyperparameters): FinetuneFit {
    const fit = new FinetuneFit(
      this.startModel(),
      {
        source: this.input.source,
        train: this.labelledIndices(this.split.train),
        validation: this.labelledIndices(this.split.validation),
      },
      this.paramsOf(hyperparameters),
      this.state.fit ?? undefined,
      this.top.kernel,
    );
    this.state = { ...this.state, fit: null };
    return fit;
  }

  /** Temperature and abstain threshold from the kept epoch's validation logits (no recomputation). */
  private calibrate(): void {
    const { best, frozen } = this.state;
    if (!best) {
      this.state = {
        ...this.state,
        stage: "done",
        assessment: (frozen as FrozenOutcome).assessment,
      };
      return;
    }
    const { y, labels } = this.rowsOf(this.split.validation);
    const logits: Matrix = { rows: y.length, cols: labels, data: best.validationLogits };
    const temperature = fitTemperature(logits, y);
    const probabilities = softmaxWithTemperature(logits, temperature);
    const { targetPrecision } = this.prepared;
    this.state = {
      ...this.state,
      calibration: {
        temperature,
        abstain:
          targetPrecision === null
            ? null
            : chooseAbstainThreshold(probabilities, y, targetPrecision),
        validationLogLossBefore: logLoss(softmaxWithTemperature(logits, 1), y),
        validationLogLossAfter: logLoss(probabilities, y),
      },
      testLogits: new Float64Array(this.split.test.length * this.prepared.labels.length),
      testCursor: 0,
    };
  }

  /**
   * The head as stored (its top quantised to int8, the rest float32), which the test pass evaluates. Its temperature
   * and threshold come from the float64 model's validation logits, which the fit already has.
   */
  private chosenHead(): FinetuneHead {
    const { best, calibration } = this.state;
    if (!best || !calibration) throw new Error("finetune run: nothing chosen");
    if (!this.head) {
      const trained = new FinetuneHead({
        backbone: this.input.backbone,
        labels: this.prepared.labels,
        model: { ...this.network(), theta: Float64Array.from(best.theta) },
        temperature: calibration.temperature,
        abstainThreshold: calibration.abstain
          ? (calibration.abstain.threshold ?? ALWAYS_ABSTAIN)
          : null,
      });
      // Decoded from its bytes, as FitRun does: the reported metrics are the stored head's.
      this.head = decodeFinetuneHead(trained.serialize(), this.input.backbone);
    }
    return this.head;
  }

  /** One chunk of the test pass with the stored head. */
  private evaluateUnit(): number {
    const { testCursor } = this.state;
    const logits = this.state.testLogits as Float64Array;
    const test = this.split.test;
    const chunk = test.subarray(testCursor, testCursor + TEST_CHUNK);
    const indices = Int32Array.from(chunk, (i) => this.sourceIndex[i] as number);
    const { model } = this.chosenHead();
    logits.set(
      topLogits(model, this.input.source, indices).data,
      testCursor * this.prepared.labels.length,
    );
    const cursor = testCursor + chunk.length;
    this.state = { ...this.state, testCursor: cursor };
    const spent = inferenceFlops(model.layout, chunk.length);
    if (cursor < test.length) return spent;
    this.state = { ...this.state, stage: "done", assessment: this.assess() };
    return spent + assessmentFlops(test.length, this.prepared.labels.length);
  }

  /** The stored head's held-out results, as a holdout FitRun gives its own, then assessed alike. */
  private assess(): Assessment {
    const { best, calibration, rows } = this.state;
    if (!best || !calibration) throw new Error("finetune run: nothing chosen");
    const { labels, targetPrecision } = this.prepared;
    const testLogits = this.testLogits();
    const { y } = this.rowsOf(this.split.test);
    const probabilities = softmaxWithTemperature(testLogits, calibration.temperature);
    const results: Omit<FitHeadResult, "head"> = {
      hyperparameters: {
        chosen: (rows[best.row] as SweepRow).hyperparameters,
        selection: `${SELECTION_RULE}; a finetune candidate must beat the frozen head's validation row`,
        sweep: rows,
      },
      ...heldOutResults(calibration, {
        validationSamples: this.split.validation.length,
        targetPrecision,
        testProbabilities: probabilities,
        yTest: y,
        labels,
      }),
      testLogits,
    };
    return holdoutAssessment(this.prepared, this.protocol, results, this.split.test);
  }

  private testLogits(): Matrix {
    const k = this.prepared.labels.length;
    const data = this.state.testLogits as Float64Array;
    return { rows: data.length / k, cols: k, data };
  }

  /**
   * The network at step 0: pretrained top, the start's scaler and classifier. Made for each fit
   * (float64: megabytes), which lets it go at its first step.
   */
  private startModel(): TopModel {
    const classifier = LogisticRegression.fromState(this.state.startClassifier as EstimatorState);
    return startingModel(this.top, this.scaling(), classifier, this.prepared.labels.length);
  }

  /** The network's fixed parts: its layout and scaler. */
  private network(): Omit<TopModel, "theta"> {
    const { positions, inChannels, outChannels } = this.top;
    const layout = topLayout(positions, inChannels, outChannels, this.prepared.labels.length);
    return { layout, scaling: this.scaling() };
  }

  /** The network's scaler: floored while the start is fitted and when it won, else the frozen head's. */
  private scaling() {
    const { mean, scale } = this.trainScaler;
    return this.state.startScaling === "standard"
      ? { mean, scale }
      : flooredScaling(this.trainScaler);
  }

  private paramsOf(hyperparameters: Hyperparameters): FinetuneParams {
    const learningRate = Number(hyperparameters.learningRate);
    const C = Number((this.state.frozen as FrozenOutcome).classifier.hyperparameters.C);
    return {
      ...this.fixed,
      topLearningRate: learningRate,
      classifierLearningRate: CLASSIFIER_LEARNING_RATE_RATIO * learningRate,
      l2sp: Number(hyperparameters.l2sp),
      // The frozen head's own L2 (scikit-learn's ½‖V‖² + C Σ loss, per sample), so the classifier's
      // optimum at the pretrained top is where it starts.
      classifierDecay: 1 / (C * this.split.train.length),
    };
  }

  private labelledIndices(split: Int32Array) {
    return {
      indices: Int32Array.from(split, (i) => this.sourceIndex[i] as number),
      y: Int32Array.from(split, (i) => this.prepared.y[i] as number),
    };
  }

  /**
   * Whether the validation split is too thin to choose a finetune: it stops each candidate's epochs,
   * picks the candidate and judges it against the frozen head, so with a few samples of a label the
   * network tuned on them wins by chance (on 13 images, 3 validation samples chose a top that then
   * scored 1 of 3 on test; a logistic head on the same images scored 0.92 in cross-validation).
   */
  private thinValidation(): boolean {
    const { y, labels } = this.rowsOf(this.split.validation);
    return classSupport(y, labels).some((count) => count < MIN_VALIDATION_PER_LABEL);
  }

  private topBeatsFrozen(tunedLogits: Float64Array, frozen: FrozenOutcome): boolean {
    const { y, labels } = this.rowsOf(this.split.validation);
    const logits = (data: Float64Array): Matrix => ({ rows: y.length, cols: labels, data });
    return beatsFrozen(logits(tunedLogits), logits(frozen.validationLogits), y);
  }

  private rowsOf(split: Int32Array) {
    return {
      y: Int32Array.from(split, (i) => this.prepared.y[i] as number),
      labels: this.prepared.labels.length,
    };
  }
}
