import { HeadInputError } from "../errors";
import type { Classifier } from "../estimator";
import type { FitCheckpoint, FitProcess } from "../fit-process";
import { AdapterHead } from "../heads/adapter-head";
import type { HeadSpec } from "../heads/head-spec";
import { HEAD_SPECS } from "../heads/registry";
import { type FeatureMatrix, featureMatrix } from "../linalg/matrix";
import { fitScaler } from "../preprocessing/block-scaling";
import { type CrossValidationCheckpoint, CrossValidationRun } from "../selection/cross-validate";
import { decodeHead, encodeHead } from "../serialization/head-codec";
import {
  type BackboneRef,
  type ChosenHyperparameters,
  type EvaluationProtocol,
  HEAD_TYPES,
  type HeadType,
  type LabelledEmbedding,
  type TrainedHead,
  type TrainingReport,
  type TrainOptions,
  type TrainProgress,
} from "../types";
import { classIndices } from "./class-indices";
import { deduplicate } from "./deduplicate";
import { evaluationProtocol, trainingFlopsBound } from "./evaluation-protocol";
import { FitRun, type FitRunCheckpoint } from "./fit-run";
import {
  type Assessment,
  assessmentFlops,
  crossValidationAssessment,
  holdoutAssessment,
  servingCalibration,
} from "./held-out-assessment";
import { type ProgressListener, progressReporter } from "./progress";
import { STEP_FLOPS } from "./step-budget";
import { type SplitIndices, stratifiedSplit } from "./stratified-split";
import { fixedHyperparameters, protocolOptions } from "./validate-options";
import { checkClassCounts, validateSamples } from "./validate-samples";

export interface TrainHeadInput {
  headType: HeadType;
  backbone: BackboneRef;
  samples: LabelledEmbedding[];
  options?: TrainOptions;
  onProgress?: ProgressListener;
}

/**
 * Where a training stands between two steps. Evaluation: the cross-validation's or the holdout fit's
 * checkpoint; once it ends, only its plain-data assessment is kept. Refit: the final fit's checkpoint.
 */
export interface TrainingCheckpoint {
  crossValidation: CrossValidationCheckpoint | null;
  holdout: FitRunCheckpoint | null;
  assessment: Assessment | null;
  refit: FitCheckpoint | null;
  /** Time spent computing in the steps so far (wall time between steps is not counted). */
  computeMs: number;
}

/**
 * The whole training protocol, the same for every head type:
 * 1. validate and deduplicate;
 * 2. estimate quality on held-out data, by the protocol evaluation-protocol.ts picks: repeated
 *    stratified k-fold cross-validation (CrossValidationRun: each round sweeps on its own validation
 *    fold and is tested on a fold it never saw) or one stratified holdout split (FitRun);
 * 3. choose hyperparameters, temperature and abstain threshold from that evaluation
 *    (held-out-assessment.ts): in cross-validation, the temperature on the out-of-fold logits;
 * 4. refit the head that serves on every sample.
 * The report's held-out numbers therefore describe the protocol that produced the head, which saw
 * more data than any evaluated one. A process of bounded steps (`advance`), resumable from a
 * checkpoint on the same samples: preparation is deterministic, so it is redone on resume.
 * Throws HeadInputError for bad input, when constructed.
 */
export class TrainingRun {
  private readonly prepared: Omit<ReturnType<typeof prepare>, "X">;
  /** The raw embeddings, until the served head's refit has its scaled copy (the largest array here). */
  private features: FeatureMatrix | null;
  private readonly spec: HeadSpec;
  private crossValidation: CrossValidationRun | null = null;
  private holdout: FitRun | null = null;
  private assessment: Assessment | null;
  private refit: { estimator: Classifier; process: FitProcess } | null = null;
  private resumeRefit: FitCheckpoint | null;
  private outcome: { head: AdapterHead; report: TrainingReport } | null = null;
  private computeMs: number;

  private readonly backbone: BackboneRef;

  constructor(input: Omit<TrainHeadInput, "onProgress">, resume?: TrainingCheckpoint) {
    // The samples themselves are not kept: the prepared matrix holds what the fits need.
    const { X, ...prepared } = prepare(input);
    this.prepared = prepared;
    this.features = X;
    this.backbone = input.backbone;
    this.spec = HEAD_SPECS[input.headType];
    this.assessment = resume?.assessment ?? null;
    this.resumeRefit = resume?.refit ?? null;
    this.computeMs = resume?.computeMs ?? 0;
    if (this.assessment) return;
    const { y, labels, protocol, seed, targetPrecision, options } = this.prepared;
    if (protocol.kind === "cross-validation") {
      this.crossValidation = new CrossValidationRun(
        {
          headType: input.headType,
          backbone: input.backbone,
          X,
          y,
          labels,
          folds: protocol.folds,
          repeats: protocol.repeats,
          seed,
          options,
        },
        resume?.crossValidation ?? undefined,
      );
    } else {
      this.holdout = new FitRun(
        {
          spec: this.spec,
          backbone: input.backbone,
          options,
          targetPrecision,
          X,
          y,
          labels,
          split: this.split(),
        },
        resume?.holdout ?? undefined,
      );
    }
  }

  get done(): boolean {
    return this.outcome !== null;
  }

  get protocol(): EvaluationProtocol {
    return this.prepared.protocol;
  }

  /**
   * The most this training's fits can spend in all (evaluation-protocol.ts trainingFlopsBound), or
   * null for heads that stop on convergence.
   */
  get flopsBound(): number | null {
    return this.prepared.flopsBound;
  }

  get progress(): TrainProgress {
    const scale = (fraction: number) => 0.1 + 0.85 * fraction;
    if (this.crossValidation && !this.assessment) {
      const { roundsDone, rounds } = this.crossValidation;
      return {
        stage: "cross-validate",
        fraction: scale((0.8 * roundsDone) / rounds),
        message:
          roundsDone === rounds
            ? `scoring the held-out predictions of ${this.describeProtocol()}`
            : `round ${roundsDone + 1}/${rounds} of ${this.describeProtocol()}${this.roundStatus()}`,
      };
    }
    if (this.holdout && !this.assessment) {
      const { stage, fraction, message } = this.holdout.progress;
      return { stage, fraction: scale(0.8 * fraction), message };
    }
    return {
      stage: "refit",
      fraction: scale(0.8 + 0.2 * (this.refit?.process.fraction ?? 0)),
      message: `fitting the served head on all ${this.prepared.y.length} samples`,
    };
  }

  /** One step: about `flops` of work (see step-budget.ts); returns the flops spent. */
  advance(flops = STEP_FLOPS): number {
    if (this.done) return 0;
    const started = performance.now();
    const spent = this.assessment ? this.refitUnit(flops) : this.evaluationUnit(flops);
    this.computeMs += performance.now() - started;
    return spent;
  }

  checkpoint(): TrainingCheckpoint {
    const evaluating = !this.assessment;
    return {
      crossValidation: evaluating ? (this.crossValidation?.checkpoint() ?? null) : null,
      holdout: evaluating ? (this.holdout?.checkpoint() ?? null) : null,
      assessment: this.assessment,
      refit: this.refit?.process.checkpoint() ?? null,
      computeMs: this.computeMs,
    };
  }

  result(): { head: TrainedHead; report: TrainingReport } {
    if (!this.outcome) throw new Error("training: not finished");
    return {
      head: this.outcome.head,
      report: { ...this.outcome.report, fitTimeMs: this.computeMs },
    };
  }

  private evaluationUnit(flops: number): number {
    const { y, labels, seed, targetPrecision, protocol, hashes } = this.prepared;
    const task = { y, labels, hashes, seed, targetPrecision };
    if (this.crossValidation && protocol.kind === "cross-validation") {
      if (!this.crossValidation.done) return this.crossValidation.advance(flops);
      // A step of its own: its bootstrap (1,000 resamples of samples × repeats) can be as large as a
      // step, and a step may pass its budget by one unit of work only.
      this.assessment = crossValidationAssessment(task, protocol, this.crossValidation.outOfFold());
      this.crossValidation = null;
      return assessmentFlops(this.assessment.evaluation.predictions, labels.length);
    }
    const holdout = this.holdout as FitRun;
    const spent = holdout.advance(flops);
    if (holdout.done && protocol.kind === "holdout") {
      const testSamples = this.split().test;
      this.assessment = holdoutAssessment(task, protocol, holdout.result, testSamples);
      this.holdout = null;
      return spent + assessmentFlops(testSamples.length, labels.length);
    }
    return spent;
  }

  /** The served head: the chosen hyperparameters fitted on every sample, then stored and read back. */
  private refitUnit(flops: number): number {
    const { y, labels, options, scaler } = this.prepared;
    const assessment = this.assessment as Assessment;
    if (!this.refit) {
      const estimator = this.spec.create(assessment.hyperparameters.chosen, options, labels);
      // Scaled into the float64 copy the fit needs; the float32 embeddings are not needed again (a
      // resume prepares them anew).
      const X = scaler.transform(this.features as FeatureMatrix);
      this.features = null;
      const process = estimator.startFit(
        X,
        y,
        { classCount: labels.length },
        this.resumeRefit ?? undefined,
      );
      this.refit = { estimator, process };
      this.resumeRefit = null;
    }
    const spent = this.refit.process.advance(flops);
    if (!this.refit.process.done) return spent;
    const trained = new AdapterHead(
      {
        headType: this.spec.headType,
        backbone: this.backbone,
        labels,
        scaler,
        estimator: this.refit.estimator,
        ...servingCalibration(assessment),
      },
      encodeHead,
    );
    const head = decodeHead(trained.serialize(), this.backbone);
    this.outcome = { head, report: this.report(head, assessment) };
    // Serializing and reading back the head: a pass over its parameters, small next to the fit.
    return spent;
  }

  private report(head: AdapterHead, assessment: Assessment): TrainingReport {
    return {
      headType: this.spec.headType,
      backbone: head.backbone,
      seed: this.prepared.seed,
      samples: reportedSamples(this.prepared, this.prepared.y.length),
      ...assessment,
      hyperparameters: reportedHyperparameters(assessment.hyperparameters, this.prepared.options),
      serializedBytes: head.serialize().length,
      fitTimeMs: this.computeMs,
    };
  }

  private split(): SplitIndices {
    const { y, labels, protocol, seed } = this.prepared;
    if (protocol.kind !== "holdout") throw new Error("training: no holdout split");
    return stratifiedSplit(y, labels.length, protocol.fractions, seed);
  }

  /** ": <the round's own progress>", e.g. its sweep candidate and epoch, when a round is running. */
  private roundStatus(): string {
    const round = this.crossValidation?.roundProgress;
    return round?.message ? `: ${round.message}` : "";
  }

  private describeProtocol(): string {
    const { protocol } = this.prepared;
    return protocol.kind === "cross-validation"
      ? `${protocol.folds}-fold cross-validation × ${protocol.repeats}`
      : "the holdout split";
  }
}

/**
 * Trains to the end in one call, reporting progress (and yielding to the event loop) between steps.
 */
export async function trainHead(
  input: TrainHeadInput,
): Promise<{ head: TrainedHead; report: TrainingReport }> {
  const report = progressReporter(input.onProgress);
  await report("validate", 0, `checking ${input.samples?.length ?? 0} samples`);
  const run = new TrainingRun(input);
  await report("split", 0.05, run.protocol.reason);
  while (!run.done) {
    const { stage, fraction, message } = run.progress;
    await report(stage, fraction, message);
    run.advance();
  }
  const result = run.result();
  const { accuracy } = result.report.evaluation;
  await report(
    "evaluate",
    1,
    `held-out accuracy ${accuracy.value.toFixed(4)} (95 % interval ${accuracy.low.toFixed(3)}–${accuracy.high.toFixed(3)})`,
  );
  return result;
}

/** The report's hyperparameters: those the protocol chose, and those the request fixed. */
export function reportedHyperparameters(
  chosen: ChosenHyperparameters,
  options: TrainOptions | undefined,
): TrainingReport["hyperparameters"] {
  return { ...chosen, fixed: fixedHyperparameters(options) };
}

/** The report's sample counts, for a served head fitted on `servedHeadTrainedOn` of the samples. */
export function reportedSamples(
  {
    rawCount,
    deduplicated,
    labels,
    y,
  }: Pick<ReturnType<typeof prepare>, "rawCount" | "deduplicated" | "labels" | "y">,
  servedHeadTrainedOn: number,
): TrainingReport["samples"] {
  return {
    raw: rawCount,
    afterDedup: deduplicated.samples,
    duplicatesRemoved: deduplicated.duplicatesRemoved,
    conflictingDuplicates: deduplicated.conflictingDuplicates,
    servedHeadTrainedOn,
    perClass: Object.fromEntries(
      labels.map((label, k) => [label, y.filter((c) => c === k).length]),
    ),
  };
}

/** Validation, deduplication, the protocol and the scaler for the served head: cheap and deterministic, so never checkpointed. */
export function prepare(input: Omit<TrainHeadInput, "onProgress">) {
  if (!HEAD_TYPES.includes(input.headType)) {
    throw new HeadInputError(
      "invalid-options",
      `headType must be one of ${HEAD_TYPES.join(", ")}, got ${input.headType}`,
    );
  }
  const options = input.options ?? {};
  const { seed, targetPrecision, fractions } = protocolOptions(options);
  validateSamples(input.samples, input.backbone);
  const deduplicated = deduplicate(input.samples);
  const perLabel = new Map<string, number>();
  for (const { label } of deduplicated.samples) {
    perLabel.set(label, (perLabel.get(label) ?? 0) + 1);
  }
  checkClassCounts(perLabel);
  const { labels, y, counts } = classIndices(deduplicated.samples);
  const X = featureMatrix(
    deduplicated.samples.map((s) => s.features),
    input.backbone.dim,
  );
  const spec = HEAD_SPECS[input.headType];
  const cost = { spec, labels, dim: input.backbone.dim };
  const protocol = evaluationProtocol(counts, options, fractions, cost);
  return {
    seed,
    options,
    targetPrecision,
    protocol,
    flopsBound: trainingFlopsBound(protocol, cost, options, y.length),
    rawCount: input.samples.length,
    deduplicated: {
      samples: deduplicated.samples.length,
      duplicatesRemoved: deduplicated.duplicatesRemoved,
      conflictingDuplicates: deduplicated.conflictingDuplicates,
    },
    labels,
    y,
    X,
    scaler: fitScaler(X, spec.standardize, input.backbone.blocks),
    hashes: deduplicated.samples.map((sample) => sample.hash ?? null),
  };
}
