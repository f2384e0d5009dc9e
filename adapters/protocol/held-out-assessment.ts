import { type AdapterHead, ALWAYS_ABSTAIN } from "../heads/adapter-head";
import { argmaxRows, type Matrix } from "../linalg/matrix";
import { softmaxWithTemperature } from "../linalg/softmax";
import { classificationMetrics } from "../metrics/classification-metrics";
import { logLoss } from "../metrics/log-loss";
import type { OutOfFold } from "../selection/cross-validate";
import type {
  AbstainReport,
  ChosenHyperparameters,
  EvaluationProtocol,
  HeldOutEvaluation,
  HeldOutPrediction,
  TrainingReport,
} from "../types";
import { chooseAbstainThreshold } from "./abstain-threshold";
import { BOOTSTRAP_RESAMPLES, macroF1Interval, wilsonInterval } from "./confidence-intervals";
import type { FitHeadResult } from "./fit-run";
import { CONSENSUS_RULE, consensusHyperparameters, meanSweep } from "./round-consensus";
import { fitTemperature } from "./temperature-scaling";

/**
 * What the evaluation stage of a training leaves for the final refit and the report: the held-out
 * estimates, the hyperparameters, temperature and abstain threshold to serve with. Plain data, so it
 * is the checkpoint between the two stages.
 */
export interface Assessment {
  evaluation: HeldOutEvaluation;
  hyperparameters: ChosenHyperparameters;
  calibration: TrainingReport["calibration"];
  abstain: AbstainReport | null;
}

/**
 * Rough flops of an assessment: the bootstrap (resamples × predictions) and the temperature's
 * golden-section search (60 passes over the logits, a few flops a value), so steps stay bounded.
 */
export function assessmentFlops(predictions: number, classes: number): number {
  return 4 * BOOTSTRAP_RESAMPLES * predictions + 250 * predictions * classes;
}

/** The report lists at most this many held-out predictions, so it stays small however large the test split. */
export const MAX_LISTED_PREDICTIONS = 2000;

interface Task {
  y: Int32Array;
  labels: string[];
  /** Content hash of each sample (null when the caller gave none). */
  hashes: (string | null)[];
  seed: number;
  targetPrecision: number | null;
}

/**
 * From a finished cross-validation: the hyperparameters by CONSENSUS_RULE; the temperature and
 * abstain threshold fitted on every out-of-fold logit (every repeat), so no sample is set aside to
 * calibrate; the estimates from the out-of-fold predictions, whose heads never saw the sample.
 */
export function crossValidationAssessment(
  task: Task,
  protocol: Extract<EvaluationProtocol, { kind: "cross-validation" }>,
  outOfFold: OutOfFold,
): Assessment {
  const { y, labels, seed, targetPrecision } = task;
  const n = y.length;
  const repeats = outOfFold.logits.length;
  const predicted = outOfFold.logits.map((logits) => argmaxRows(logits));
  const accuracy =
    predicted.reduce((sum, p) => sum + p.filter((k, i) => k === y[i]).length, 0) / (n * repeats);

  const stacked = stackRows(outOfFold.logits);
  const yStacked = Int32Array.from({ length: n * repeats }, (_, i) => y[i % n] as number);
  const temperature = fitTemperature(stacked, yStacked);
  const calibrated = softmaxWithTemperature(stacked, temperature);
  const abstain =
    targetPrecision === null ? null : chooseAbstainThreshold(calibrated, yStacked, targetPrecision);
  const first = outOfFold.logits[0] as Matrix;
  const firstProbabilities = softmaxPerRow(first, outOfFold.temperatures[0] as Float64Array);
  return {
    evaluation: {
      protocol,
      samples: n,
      predictions: n * repeats,
      accuracy: wilsonInterval(accuracy, n),
      macroF1: macroF1Interval(y, predicted, labels.length, seed),
      metrics: classificationMetrics(firstProbabilities, y, labels),
      perSample: listPredictions(
        task,
        firstProbabilities,
        Int32Array.from({ length: n }, (_, i) => i),
      ),
    },
    hyperparameters: {
      chosen: consensusHyperparameters(outOfFold.rounds, n),
      selection: CONSENSUS_RULE,
      sweep: meanSweep(outOfFold.rounds),
    },
    calibration: {
      method: "temperature-scaling",
      temperature,
      fittedOn: "out-of-fold",
      samples: n * repeats,
      logLossBefore: logLoss(softmaxWithTemperature(stacked, 1), yStacked),
      logLossAfter: logLoss(calibrated, yStacked),
    },
    abstain: abstain && {
      targetPrecision: targetPrecision as number,
      threshold: abstain.threshold,
      reachable: abstain.threshold !== null,
      fittedOn: "out-of-fold",
      precision: abstain.precision,
      coverage: abstain.coverage,
      test: null,
    },
  };
}

/**
 * From a finished holdout fit: its sweep, calibration and abstain threshold (fitted on validation
 * with the train-only model) and its test-split estimates. Only the fit's held-out results are read,
 * so any head evaluated on a holdout split can be assessed (the finetune run's too).
 */
export function holdoutAssessment(
  task: Task,
  protocol: Extract<EvaluationProtocol, { kind: "holdout" }>,
  fit: Omit<FitHeadResult, "head">,
  testSamples: Int32Array,
): Assessment {
  const { test } = fit;
  const yTest = Int32Array.from(testSamples, (i) => task.y[i] as number);
  const probabilities = softmaxWithTemperature(fit.testLogits, fit.calibration.temperature);
  return {
    evaluation: {
      protocol,
      samples: test.samples,
      predictions: test.samples,
      accuracy: wilsonInterval(test.accuracy, test.samples),
      macroF1: macroF1Interval(yTest, [argmaxRows(fit.testLogits)], task.labels.length, task.seed),
      metrics: test,
      perSample: listPredictions(task, probabilities, testSamples),
    },
    hyperparameters: fit.hyperparameters,
    calibration: fit.calibration,
    abstain: fit.abstain,
  };
}

/** The temperature and threshold to serve with, as the head stores them. */
export function servingCalibration(
  assessment: Assessment,
): Pick<AdapterHead, "temperature" | "abstainThreshold"> {
  const { abstain } = assessment;
  return {
    temperature: assessment.calibration.temperature,
    abstainThreshold: abstain ? (abstain.threshold ?? ALWAYS_ABSTAIN) : null,
  };
}

function stackRows(matrices: Matrix[]): Matrix {
  const cols = (matrices[0] as Matrix).cols;
  const data = new Float64Array(matrices.reduce((sum, m) => sum + m.data.length, 0));
  let offset = 0;
  for (const m of matrices) {
    data.set(m.data, offset);
    offset += m.data.length;
  }
  return { rows: data.length / cols, cols, data };
}

/** Row r of `probabilities` is sample `samples[r]`'s held-out prediction. */
function listPredictions(
  { y, labels, hashes }: Task,
  probabilities: Matrix,
  samples: Int32Array,
): HeldOutPrediction[] {
  const predicted = argmaxRows(probabilities);
  const listed = Math.min(samples.length, MAX_LISTED_PREDICTIONS);
  return Array.from({ length: listed }, (_, row) => {
    const i = samples[row] as number;
    const k = predicted[row] as number;
    return {
      hash: hashes[i] ?? null,
      label: labels[y[i] as number] as string,
      predicted: labels[k] as string,
      confidence: probabilities.data[row * probabilities.cols + k] as number,
    };
  });
}

/** Softmax of each row at its own temperature. */
function softmaxPerRow(logits: Matrix, temperatures: Float64Array): Matrix {
  const { rows, cols } = logits;
  const out = new Float64Array(logits.data.length);
  for (let i = 0; i < rows; i++) {
    const row = softmaxWithTemperature(
      { rows: 1, cols, data: logits.data.subarray(i * cols, (i + 1) * cols) },
      temperatures[i] as number,
    );
    out.set(row.data, i * cols);
  }
  return { rows, cols, data: out };
}
