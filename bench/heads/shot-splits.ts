import { SeededRandom } from "../../adapters/random";

export type Shots = number | "full";

export interface ShotSplit {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** Share of each class's shots held out as validation for the sweep (at least one sample). */
export const VALIDATION_SHARE = 0.25;
/** Share of each class held out as test when the file gives no split. */
export const TEST_SHARE = 0.2;

/**
 * One benchmark split. Test: the file's test samples, else a fixed 20% per class (seed 0, the same
 * for every shot count and seed, so all rows are scored on the same test set). Then `shots` samples per
 * class are drawn from the rest with `seed` (all of them for "full"), and a quarter of those, at least
 * one, becomes validation. Classes with fewer samples than the shot count give what they have.
 */
export function shotSplit(
  labels: Int32Array,
  givenTest: boolean[] | null,
  shots: Shots,
  seed: number,
): ShotSplit {
  const classCount = labels.reduce((max, k) => Math.max(max, k + 1), 0);
  const test = givenTest
    ? indicesWhere(labels, (i) => givenTest[i] === true)
    : fixedTestSplit(labels, classCount);
  const isTest = new Set(test);
  const random = new SeededRandom(seed);
  const train: number[] = [];
  const validation: number[] = [];
  for (let k = 0; k < classCount; k++) {
    const pool = random.shuffle(indicesWhere(labels, (i) => labels[i] === k && !isTest.has(i)));
    const chosen = shots === "full" ? pool : pool.slice(0, shots);
    const validationCount = Math.max(1, Math.round(chosen.length * VALIDATION_SHARE));
    validation.push(...chosen.slice(0, validationCount));
    train.push(...chosen.slice(validationCount));
  }
  const sorted = (indices: number[]) => Int32Array.from(indices).sort();
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) };
}

function fixedTestSplit(labels: Int32Array, classCount: number): number[] {
  const random = new SeededRandom(0);
  const test: number[] = [];
  for (let k = 0; k < classCount; k++) {
    const members = random.shuffle(indicesWhere(labels, (i) => labels[i] === k));
    test.push(...members.slice(0, Math.max(1, Math.round(members.length * TEST_SHARE))));
  }
  return test;
}

function indicesWhere(labels: Int32Array, keep: (i: number) => boolean): number[] {
  const indices: number[] = [];
  for (let i = 0; i < labels.length; i++) if (keep(i)) indices.push(i);
  return indices;
}
