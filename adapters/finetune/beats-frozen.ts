import { argmaxRows, type Matrix } from "../linalg/matrix";
import { softmaxWithTemperature } from "../linalg/softmax";
import { sampleLogLosses } from "../metrics/log-loss";

/**
 * Standard errors by which a finetuned top must lower the validation loss, sample by sample, below
 * the frozen head's: about the one-sided 97.5 % level of a paired t-test.
 */
export const CLEAR_GAIN_Z = 2;

/**
 * Whether a finetuned top clearly beats the frozen head on the validation split, given both
 * heads' uncalibrated logits on it (rows in split order) and its labels.
 *
 * A lower mean loss is not enough. The top's kept epoch was chosen by the loss on this very split,
 * so that loss flatters it. And taking the top gives up the validation samples, which the frozen
 * fallback is refitted on. So the top must get at least as many samples right, and its loss must be
 * lower by more than CLEAR_GAIN_Z standard errors of the per-sample difference (paired: the two
 * heads see the same samples, and a sample that is hard for one is usually hard for the other).
 */
export function beatsFrozen(tunedLogits: Matrix, frozenLogits: Matrix, y: Int32Array): boolean {
  const n = y.length;
  if (n < 2) return false;
  const tuned = softmaxWithTemperature(tunedLogits, 1);
  const frozen = softmaxWithTemperature(frozenLogits, 1);
  if (correct(tuned, y) < correct(frozen, y)) return false;
  const tunedLosses = sampleLogLosses(tuned, y);
  const gains = sampleLogLosses(frozen, y).map((loss, i) => loss - (tunedLosses[i] as number));
  const mean = gains.reduce((a, b) => a + b, 0) / n;
  const variance = gains.reduce((sum, gain) => sum + (gain - mean) ** 2, 0) / (n - 1);
  return mean > CLEAR_GAIN_Z * Math.sqrt(variance / n);
}

function correct(probabilities: Matrix, y: Int32Array): number {
  return argmaxRows(probabilities).reduce((sum, label, i) => sum + (label === y[i] ? 1 : 0), 0);
}
