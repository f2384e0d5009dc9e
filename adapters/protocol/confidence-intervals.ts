import { SeededRandom } from "../random";
import type { IntervalEstimate } from "../types";
import { rowsByClass } from "./class-indices";

/** z of a two-sided 95 % interval. */
const Z95 = 1.959964;
export const BOOTSTRAP_RESAMPLES = 1000;

/**
 * Wilson score interval for a proportion observed on n samples (Wilson 1927): unlike p ± z·SE it stays
 * inside [0, 1] and keeps its coverage at 100 % or 0 % accuracy on few samples, which is where a
 * small adapter's report lives.
 */
export function wilsonInterval(proportion: number, n: number): IntervalEstimate {
  const z2 = Z95 * Z95;
  const centre = (proportion + z2 / (2 * n)) / (1 + z2 / n);
  const half =
    (Z95 / (1 + z2 / n)) * Math.sqrt((proportion * (1 - proportion)) / n + z2 / (4 * n * n));
  return {
    value: proportion,
    // Clamped to contain the estimate: at 0 % or 100 % rounding would leave it a hair outside.
    low: Math.max(0, Math.min(proportion, centre - half)),
    high: Math.min(1, Math.max(proportion, centre + half)),
    method: `Wilson score interval, 95 %, on ${n} samples`,
  };
}

/**
 * Macro-F1 averaged over repeats, with a 95 % percentile bootstrap interval (BOOTSTRAP_RESAMPLES
 * resamples with replacement, seeded): each resample keeps a sample's prediction in every repeat, so
 * the interval reflects how few samples there are, not how the folds fell. The bootstrap is
 * stratified: each class is resampled within itself, so every resample keeps every class at its
 * support. Resampling the pool as a whole drops a class of 3 samples out of 203 from about e⁻³ ≈ 5 %
 * of the resamples, and the macro-F1 of the classes left (a never-predicted rare class left out)
 * then reads about 1: the upper bound was 1 for a head that never predicts that class.
 * `predicted[r][i]` is repeat r's prediction for sample i. When every prediction is right the
 * bootstrap has no error to resample and would claim [1, 1] on any number of samples; the
 * accuracy's Wilson interval on those samples stands in then (both metrics are 1 exactly when no
 * sample is wrong, and an error rate of p costs a balanced task's macro-F1 about p).
 */
export function macroF1Interval(
  y: Int32Array,
  predicted: Int32Array[],
  classCount: number,
  seed: number,
): IntervalEstimate {
  if (predicted.every((repeat) => repeat.every((guess, i) => guess === y[i]))) {
    const { low, high } = wilsonInterval(1, y.length);
    return {
      value: 1,
      low,
      high,
      method: `no error in ${y.length} samples, which leaves a bootstrap nothing to resample: the accuracy's Wilson score interval, 95 %`,
    };
  }
  const all = Int32Array.from(y.keys());
  const value = meanMacroF1(y, predicted, classCount, all);
  const random = new SeededRandom(seed);
  const byClass = rowsByClass(y, classCount);
  const resampled = Float64Array.from({ length: BOOTSTRAP_RESAMPLES }, () => {
    const rows = byClass.flatMap((members) =>
      Array.from(members, () => members[random.nextInt(members.length)] as number),
    );
    return meanMacroF1(y, predicted, classCount, Int32Array.from(rows));
  }).sort();
  return {
    value,
    low: resampled[Math.floor(0.025 * BOOTSTRAP_RESAMPLES)] as number,
    high: resampled[Math.ceil(0.975 * BOOTSTRAP_RESAMPLES) - 1] as number,
    method: `percentile bootstrap, 95 %, ${BOOTSTRAP_RESAMPLES} resamples of ${y.length} samples, stratified by class`,
  };
}

/** Mean over repeats of the macro-F1 on the given rows (a class absent from them is left out). */
function meanMacroF1(
  y: Int32Array,
  predicted: Int32Array[],
  classCount: number,
  rows: Int32Array,
): number {
  let total = 0;
  for (const repeat of predicted) {
    const truePositives = new Float64Array(classCount);
    const actual = new Float64Array(classCount);
    const guessed = new Float64Array(classCount);
    for (const i of rows) {
      const label = y[i] as number;
      const guess = repeat[i] as number;
      actual[label] = (actual[label] as number) + 1;
      guessed[guess] = (guessed[guess] as number) + 1;
      if (label === guess) truePositives[label] = (truePositives[label] as number) + 1;
    }
    let sum = 0;
    let present = 0;
    for (let k = 0; k < classCount; k++) {
      if (actual[k] === 0) continue;
      present++;
      const tp = truePositives[k] as number;
      // F1 = 2TP / (2TP + FP + FN), 0 when the class is never predicted right.
      sum += tp > 0 ? (2 * tp) / ((actual[k] as number) + (guessed[k] as number)) : 0;
    }
    total += sum / present;
  }
  return total / predicted.length;
}
