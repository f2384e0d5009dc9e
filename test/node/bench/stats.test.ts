import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../../adapters/random";
import { percentileDifference } from "../../../bench/stats";

const noisy = (n: number, seed: number) => {
  const random = new SeededRandom(seed);
  return Array.from({ length: n }, () => 20 + 30 * random.next() ** 4);
};

describe("percentileDifference (paired bootstrap of a p95 difference)", () => {
  it("finds a constant shift exactly, with a zero-width interval", () => {
    const a = noisy(500, 1);
    const shifted = percentileDifference(
      a,
      a.map((t) => t + 3),
      0.95,
      500,
    );
    expect(shifted.estimate).toBeCloseTo(3, 12);
    expect(shifted.low).toBeCloseTo(3, 12);
    expect(shifted.high).toBeCloseTo(3, 12);
  });

  it("brackets 0 for two draws of the same distribution, and narrows with more turns", () => {
    const few = percentileDifference(noisy(200, 2), noisy(200, 3), 0.95, 300);
    const many = percentileDifference(noisy(3000, 2), noisy(3000, 3), 0.95, 300);
    expect(many.low).toBeLessThanOrEqual(0);
    expect(many.high).toBeGreaterThanOrEqual(0);
    expect(many.high - many.low).toBeLessThan(few.high - few.low);
  });

  it("refuses unpaired samples", () => {
    expect(() => percentileDifference([1, 2], [1], 0.95)).toThrow();
  });
});
