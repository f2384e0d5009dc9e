import { HeadInputError } from "../errors";
import { rowsByClass } from "../protocol/class-indices";
import { SeededRandom } from "../random";

/**
 * Fold of each sample for stratified k-fold cross-validation: each class is shuffled (one seeded
 * generator, classes in index order) and dealt round-robin over the folds, the deal continuing
 * from class to class so fold sizes differ by at most one. A class with at least k members is
 * therefore in every fold.
 */
export function stratifiedKFold(
  y: Int32Array,
  classCount: number,
  k: number,
  seed: number,
): Int32Array {
  if (!Number.isInteger(k) || k < 2) {
    throw new HeadInputError("invalid-options", `k-fold needs k >= 2, got ${k}`);
  }
  const random = new SeededRandom(seed);
  const byClass = rowsByClass(y, classCount);
  const folds = new Int32Array(y.length);
  let next = 0;
  for (const members of byClass) {
    for (const i of random.shuffle(members)) {
      folds[i] = next;
      next = (next + 1) % k;
    }
  }
  return folds;
}
