import { AdapterHead, ALWAYS_ABSTAIN } from "../heads/adapter-head";
import type { HeadSpec } from "../heads/head-spec";
import { type Matrix, selectRows } from "../linalg/matrix";
import { softmaxWithTemperature } from "../linalg/softmax";
import { classificationMetrics } from "../metrics/classification-metrics";
import { logLoss } from "../metrics/log-loss";
import { StandardScaler } from "../preprocessing/standard-scaler";
import { decodeHead, encodeHead } from "../serialization/head-codec";
import type { AbstainReport, BackboneRef, TrainingReport, TrainOptions } from "../types";
import { chooseAbstainThreshold, selectivePerformance } from "./abstain-threshold";
import type { ReportProgress } from "./progress";
import type { SplitIndices } from "./stratified-split";
import { SELECTION_RULE, sweepHyperparameters } from "./sweep";
import { fitTemperature } from "./temperature-scaling";

export interface FitHeadInput {
  spec: HeadSpec;
  backbone: BackboneRef;
  options: TrainOptions;
  targetPrecision: number | null;
  /** Raw (unscaled) embeddings of all samples, and their class indices into `labels`. */
  X: Matrix;
  y: Int32Array;
  labels: string[];
  split: SplitIndices;
  report: ReportProgress;
}

export type FitHeadResult = Pick<
  TrainingReport,
  "hyperparameters" | "calibration" | "abstain" | "test"
> & {
  head: AdapterHead;
};

/**
 * The protocol after the split: sweep on validation, calibrate the chosen model's temperature and
 * abstain threshold on validation, refit on train + validation, then evaluate the stored (serialized
 * and decoded) head once on the untouched test split. Temperature and threshold come from the
 * train-only model, because after the refit no held-out data is left to fit them on.
 */
export async function fitHead(input: FitHeadInput): Promise<FitHeadResult> {
  const { spec, backbone, options, labels, split, report } = input;
  const rowsOf = (indices: Int32Array) => ({
    X: selectRows(input.X, indices),
    y: selectRows1(input.y, indices),
  });
  const trainRaw = rowsOf(split.train);
  const validationRaw = rowsOf(split.validation);
  const testRaw = rowsOf(split.test);

  const scaler = new StandardScaler({ withStd: spec.standardize }).fit(trainRaw.X);
  const train = { X: scaler.transform(trainRaw.X), y: trainRaw.y };
  const validation = { X: scaler.transform(validationRaw.X), y: validationRaw.y };
  const sweep = await sweepHyperparameters(spec, options, labels, train, validation, report, {
    from: 0.1,
    to: 0.7,
  });

  await report("calibrate", 0.75, "fitting the temperature and abstain threshold on validation");
  const validationLogits = sweep.chosenEstimator.decisionFunction(validation.X);
  const temperature = fitTemperature(validationLogits, validation.y);
  const validationProbabilities = softmaxWithTemperature(validationLogits, temperature);
  const abstain =
    input.targetPrecision === null
      ? null
      : chooseAbstainThreshold(validationProbabilities, validation.y, input.targetPrecision);

  await report("refit", 0.8, "refitting on train + validation");
  const refitIndices = Int32Array.from([...split.train, ...split.validation]);
  const refitRaw = rowsOf(refitIndices);
  const refitScaler = new StandardScaler({ withStd: spec.standardize }).fit(refitRaw.X);
  const refitHyperparameters = spec.refitHyperparameters(sweep.chosen, sweep.chosenEstimator);
  const estimator = spec
    .create(refitHyperparameters, options, labels)
    .fit(refitScaler.transform(refitRaw.X), refitRaw.y, {
      classCount: labels.length,
      warmStart: sweep.chosenEstimator,
    });
  const trained = new AdapterHead(
    {
      headType: spec.headType,
      backbone,
      labels,
      scaler: refitScaler,
      estimator,
      temperature,
      abstainThreshold: abstain ? (abstain.threshold ?? ALWAYS_ABSTAIN) : null,
    },
    encodeHead,
  );
  const head = decodeHead(trained.serialize(), backbone);

  await report("evaluate", 0.9, "evaluating on the test split");
  const testProbabilities = head.probabilities(testRaw.X);
  return {
    head,
    hyperparameters: { chosen: refitHyperparameters, selection: SELECTION_RULE, sweep: sweep.rows },
    calibration: {
      method: "temperature-scaling",
      temperature,
      validationLogLossBefore: logLoss(softmaxWithTemperature(validationLogits, 1), validation.y),
      validationLogLossAfter: logLoss(validationProbabilities, validation.y),
    },
    abstain: abstain && {
      targetPrecision: input.targetPrecision as number,
      threshold: abstain.threshold,
      reachable: abstain.threshold !== null,
      validationPrecision: abstain.precision,
      validationCoverage: abstain.coverage,
      ...testSelective(testProbabilities, testRaw.y, abstain.threshold),
    },
    test: classificationMetrics(testProbabilities, testRaw.y, labels),
  };
}

function testSelective(
  probabilities: Matrix,
  y: Int32Array,
  threshold: number | null,
): Pick<AbstainReport, "testPrecision" | "testCoverage"> {
  const { precision, coverage } = selectivePerformance(probabilities, y, threshold);
  return { testPrecision: precision, testCoverage: coverage };
}

function selectRows1(y: Int32Array, indices: Int32Array): Int32Array {
  return Int32Array.from(indices, (i) => y[i] as number);
}
