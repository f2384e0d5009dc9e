import { argmaxRows, type Matrix } from "../linalg/matrix";
import type { ClassificationMetrics } from "../types";
import { confusionMatrix } from "./confusion-matrix";
import { ECE_BINS, eceOf, reliabilityBins } from "./expected-calibration-error";
import { logLoss } from "./log-loss";
import { macroAverage, perClassScores } from "./precision-recall-f1";

/** The report's evaluation block for probabilities on labelled rows. */
export function classificationMetrics(
  probabilities: Matrix,
  y: Int32Array,
  labels: string[],
): ClassificationMetrics {
  const predicted = argmaxRows(probabilities);
  const confusion = confusionMatrix(y, predicted, labels.length);
  const scores = perClassScores(confusion);
  const reliability = reliabilityBins(probabilities, y, ECE_BINS);
  const correct = confusion.reduce((sum, row, k) => sum + (row[k] as number), 0);
  return {
    samples: y.length,
    accuracy: correct / y.length,
    macro: macroAverage(scores),
    perClass: scores.map((s, k) => ({ label: labels[k] as string, ...s })),
    confusionMatrix: { labels: [...labels], matrix: confusion },
    logLoss: logLoss(probabilities, y),
    expectedCalibrationError: {
      value: eceOf(reliability, y.length),
      bins: ECE_BINS,
      reliability,
    },
  };
}
