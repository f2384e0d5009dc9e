import { argmaxRows, type Matrix } from "../linalg/matrix";

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
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    ece += Math.abs((correct[b] as number) - (confidence[b] as number)) / y.length;
  }
  return ece;
}
