import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../../adapters/random";
import {
  accuracyDifference,
  bestStaysWithinRate,
  percentileDifference,
} from "../../../bench/stats";

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

/** n items, each right with probability `accuracy`. */
const correctness = (n: number, accuracy: number, seed: number) => {
  const random = new SeededRandom(seed);
  return Uint8Array.from({ length: n }, () => (random.next() < accuracy ? 1 : 0));
};

describe("accuracyDifference (paired bootstrap of an accuracy difference)", () => {
  it("is exact when two classifiers differ on a fixed set of items", () => {
    const a = correctness(400, 0.8, 1);
    const b = a.map((right, i) => (i < 100 ? 1 : right));
    const gained = a.slice(0, 100).filter((right) => right === 0).length;
    const difference = accuracyDifference(a, b, 500);
    expect(difference.estimate).toBeCloseTo(gained / 400, 12);
    expect(difference.low).toBeGreaterThan(0);
  });

  it("brackets 0 for two independent classifiers of the same accuracy", () => {
    const difference = accuracyDifference(correctness(600, 0.8, 2), correctness(600, 0.8, 3), 500);
    expect(difference.low).toBeLessThan(0);
    expect(difference.high).toBeGreaterThan(0);
  });
});

describe("bestStaysWithinRate (how often the held-out best stays near the best on another draw)", () => {
  it("is 1 when one candidate is far ahead", () => {
    const candidates = [
      correctness(400, 0.95, 1),
      correctness(400, 0.7, 2),
      correctness(400, 0.7, 3),
    ];
    expect(bestStaysWithinRate(candidates, 0.01, 200)).toBe(1);
  });

  it("falls with many equally good candidates and a small test set, and rises with the tolerance", () => {
    const candidates = Array.from({ length: 10 }, (_, k) => correctness(200, 0.8, 10 + k));
    const strict = bestStaysWithinRate(candidates, 0.01, 300);
    expect(strict).toBeLessThan(0.9);
    expect(bestStaysWithinRate(candidates, 0.1, 300)).toBeGreaterThan(strict);
  });

  it("refuses candidates scored on different items", () => {
    expect(() => bestStaysWithinRate([new Uint8Array(3), new Uint8Array(2)], 0.01)).toThrow();
  });
});
