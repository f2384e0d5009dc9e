import { SeededRandom } from "../random";
import type { SplitFractions } from "../types";
import { rowsByClass } from "./class-indices";

export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/**
 * Stratified split: each class is shuffled (one seeded generator, classes in index order) and cut
 * by the fractions, so every split keeps the class proportions. Each class gets at least one
 * validation and one test sample and keeps at least one for training, which is why a class needs
 * three samples; the rounding remainder goes to train. Indices come back sorted.
 */
export function stratifiedSplit(
  y: Int32Array,
  classCount: number,
  fractions: SplitFractions,
  seed: number,
): SplitIndices {
  const random = new SeededRandom(seed);
  const byClass = rowsByClass(y, classCount);
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  for (const members of byClass) {
    random.shuffle(members);
    const { validationCount, testCount } = splitCounts(members.length, fractions);
    test.push(...members.slice(0, testCount));
    validation.push(...members.slice(testCount, testCount + validationCount));
    train.push(...members.slice(testCount + validationCount));
  }
  const sorted = (indices: number[]) => Int32Array.from(indices).sort();
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) };
}

/** Validation and test sizes for a class of n >= 3 samples. */
export function splitCounts(
  n: number,
  fractions: SplitFractions,
): { validationCount: number; testCount: number } {
  let testCount = Math.max(1, Math.round(n * fractions.test));
  let validationCount = Math.max(1, Math.round(n * fractions.validation));
  while (n - testCount - validationCount < 1) {
    if (testCount >= validationCount && testCount > 1) testCount--;
    else validationCount--;
  }
  return { validationCount, testCount };
}
