import { SeededRandom } from "../../adapters/random";

export type Shots = number | "full";

export interface ShotSplit {
  /** What a user would upload: the protocol under test splits it as it likes. */
  pool: Int32Array;
  test: Int32Array;
}

/** Share of each class held out as test when the file gives no split. */
export const TEST_SHARE = 0.2;

/**
 * One benchmark split. Test: the file's test samples, else a fixed 20% per class (seed 0, the same
 * for every shot count and seed, so all rows are scored on the same test set). Then `shots` samples per
 * class are drawn from the rest with `seed` (all of them for "full"): the pool. Classes with fewer
 * samples than the shot count give what they have.
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
  const pool: number[] = [];
  for (let k = 0; k < classCount; k++) {
    const members = random.shuffle(indicesWhere(labels, (i) => labels[i] === k && !isTest.has(i)));
    pool.push(...(shots === "full" ? members : members.slice(0, shots)));
  }
  const sorted = (indices: number[]) => Int32Array.from(indices).sort();
  return { pool: sorted(pool), test: sorted(test) };
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
