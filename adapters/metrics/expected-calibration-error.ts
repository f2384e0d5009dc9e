import { argmaxRows, type Matrix } from "../linalg/matrix";
import type { ReliabilityBin } from "../types";

export const ECE_BINS = 15;

/**
 * Expected calibration error with equal-width confidence bins (Guo et al. 2017):
 *   ECE = sum_b (n_b / n) |accuracy_b - mean confidence_b|,
 * where confidence is the top probability and bin b holds confidences in ((b-1)/B, b/B].
 */
export function expectedCalibrationError(
  probabilities: Matrix,
  y: Int32Array,
  bins = ECE_BINS,
): number {
  return eceOf(reliabilityBins(probabilities, y, bins), y.length);
}

export function eceOf(bins: ReliabilityBin[], samples: number): number {
  let ece = 0;
  for (const { count, accuracy, confidence } of bins) {
    ece += (count * Math.abs(accuracy - confidence)) / samples;
  }
  return ece;
}

/** The bins of the reliability diagram: count, mean top probability and accuracy per bin (0 when empty). */
export function reliabilityBins(
  probabilities: Matrix,
  y: Int32Array,
  bins = ECE_BINS,
): ReliabilityBin[] {
  const predicted = argmaxRows(probabilities);
  const count = new Float64Array(bins);
  const correct = new Float64Array(bins);
  const confidence = new Float64Array(bins);
  for (let i = 0; i < y.length; i++) {
    const top = probabilities.data[i * probabilities.cols + (predicted[i] as number)] as number;
    const bin = Math.min(bins - 1, Math.max(0, Math.ceil(top * bins) - 1));
    count[bin] = (count[bin] as number) + 1;
    confidence[bin] = (confidence[bin] as number) + top;
    if (predicted[i] === y[i]) correct[bin] = (correct[bin] as number) + 1;
  }
  return Array.from(count, (n, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: n,
    confidence: n > 0 ? (confidence[b] as number) / n : 0,
    accuracy: n > 0 ? (correct[b] as number) / n : 0,
  }));
}
