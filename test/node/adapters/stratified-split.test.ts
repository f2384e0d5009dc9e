import { describe, expect, it } from "vitest";
import { splitCounts, stratifiedSplit } from "../../../adapters/protocol/stratified-split";

const fractions = { train: 0.6, validation: 0.2, test: 0.2 };
const y = Int32Array.from([
  ...Array(50).fill(0),
  ...Array(20).fill(1),
  ...Array(3).fill(2),
  ...Array(7).fill(3),
]);

describe("stratified split", () => {
  it("partitions every index exactly once", () => {
    const split = stratifiedSplit(y, 4, fractions, 1);
    const all = [...split.train, ...split.validation, ...split.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from(y.keys()));
  });

  it("keeps class proportions, with every class in every split", () => {
    const split = stratifiedSplit(y, 4, fractions, 1);
    const count = (indices: Int32Array, k: number) => [...indices].filter((i) => y[i] === k).length;
    expect([0, 1, 2, 3].map((k) => count(split.test, k))).toEqual([10, 4, 1, 1]);
    expect([0, 1, 2, 3].map((k) => count(split.validation, k))).toEqual([10, 4, 1, 1]);
    expect([0, 1, 2, 3].map((k) => count(split.train, k))).toEqual([30, 12, 1, 5]);
  });

  it("is reproducible for a seed and differs between seeds", () => {
    expect(stratifiedSplit(y, 4, fractions, 42)).toEqual(stratifiedSplit(y, 4, fractions, 42));
    expect(stratifiedSplit(y, 4, fractions, 42).test).not.toEqual(
      stratifiedSplit(y, 4, fractions, 43).test,
    );
  });

  it("leaves at least one sample per split for any class size and fractions", () => {
    for (const f of [
      fractions,
      { train: 0.1, validation: 0.45, test: 0.45 },
      { train: 0.98, validation: 0.01, test: 0.01 },
    ]) {
      for (let n = 3; n <= 12; n++) {
        const { validationCount, testCount } = splitCounts(n, f);
        expect(
          Math.min(validationCount, testCount, n - validationCount - testCount),
        ).toBeGreaterThanOrEqual(1);
      }
    }
    expect(splitCounts(3, fractions)).toEqual({ validationCount: 1, testCount: 1 });
  });
});
