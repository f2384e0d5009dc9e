import { SeededRandom } from "../random";
import { rowsByClass } from "./class-indices";

/**
 * A seeded stratified subsample of `size` of the samples labelled `y`, as sorted indices. Each class
 * keeps its share of `size` in proportion to its count, rounded by largest remainder so the shares
 * sum exactly, except that a class whose share would fall below min(nᶜ, minPerClass) keeps that many
 * (a rare class stays measurable) and the others share the rest. The result exceeds `size` only when
 * those floors alone do. Within a class the samples are drawn by a shuffle of one generator, classes
 * in index order. With `size` ≥ n every index comes back.
 */
export function stratifiedSubsample(
  y: Int32Array,
  classCount: number,
  size: number,
  seed: number,
  minPerClass = 3,
): Int32Array {
  if (size >= y.length) return Int32Array.from(y.keys());
  const byClass = rowsByClass(y, classCount);
  const counts = classCounts(
    byClass.map((members) => members.length),
    size,
    minPerClass,
  );
  const random = new SeededRandom(seed);
  const kept: number[] = [];
  byClass.forEach((members, c) => {
    kept.push(...random.shuffle(members).slice(0, counts[c]));
  });
  return Int32Array.from(kept).sort();
}

/** Each class's part of `size`: floored classes first, the rest shared by the others (see above). */
function classCounts(sizes: number[], size: number, minPerClass: number): number[] {
  const floors = sizes.map((n) => Math.min(n, minPerClass));
  const floored = new Set<number>();
  for (;;) {
    const rest = size - [...floored].reduce((sum, c) => sum + (floors[c] as number), 0);
    const free = sizes.map((n, c) => (floored.has(c) ? 0 : n));
    const shares = largestRemainderShares(free, Math.max(0, rest));
    const under = shares.flatMap((share, c) =>
      !floored.has(c) && share < (floors[c] as number) ? [c] : [],
    );
    if (under.length === 0)
      return shares.map((share, c) => (floored.has(c) ? (floors[c] as number) : share));
    for (const c of under) floored.add(c);
  }
}

/** Shares of `size` proportional to `counts`, by largest remainder (ties: lower index first). */
function largestRemainderShares(counts: number[], size: number): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const exact = counts.map((n) => (size * n) / total);
  const quotas = exact.map(Math.floor);
  let left = size - quotas.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, c) => ({ c, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.c - b.c);
  for (const { c } of byRemainder) {
    if (left-- <= 0) break;
    quotas[c] = (quotas[c] as number) + 1;
  }
  return quotas;
}
