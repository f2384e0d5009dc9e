import { describe, expect, it } from "vitest";
import { stratifiedSubsample } from "../../../adapters";

/** Labels 0..k-1 with the given counts, interleaved so that classes are not contiguous. */
function labels(counts: number[]): Int32Array {
  const y: number[] = [];
  const left = [...counts];
  while (left.some((n) => n > 0)) {
    left.forEach((n, c) => {
      if (n > 0) {
        y.push(c);
        left[c] = n - 1;
      }
    });
  }
  return Int32Array.from(y);
}

function perClass(y: Int32Array, kept: Int32Array, classes: number): number[] {
  const counts = Array(classes).fill(0);
  for (const i of kept) counts[y[i] as number]++;
  return counts;
}

describe("stratifiedSubsample", () => {
  it("keeps every index when the size covers the samples", () => {
    const y = labels([5, 3]);
    expect([...stratifiedSubsample(y, 2, 8, 0)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(stratifiedSubsample(y, 2, 100, 0)).toHaveLength(8);
  });

  it("draws exactly `size` distinct sorted indices in the classes' proportions", () => {
    const y = labels([600, 300, 100]);
    const kept = stratifiedSubsample(y, 3, 250, 7);
    expect(kept).toHaveLength(250);
    expect(new Set(kept).size).toBe(250);
    expect([...kept]).toEqual([...kept].sort((a, b) => a - b));
    expect(perClass(y, kept, 3)).toEqual([150, 75, 25]);
  });

  it("rounds shares by largest remainder so they sum to the size", () => {
    const y = labels([10, 10, 10]);
    const kept = stratifiedSubsample(y, 3, 20, 1);
    expect(kept).toHaveLength(20);
    expect(perClass(y, kept, 3)).toEqual([7, 7, 6]);
  });

  it("keeps at least a few samples of a rare class, and the size", () => {
    const y = labels([1000, 4, 2]);
    expect(perClass(y, stratifiedSubsample(y, 3, 100, 3), 3)).toEqual([95, 3, 2]);
    // Floors only where the share falls under them: the others keep their proportions.
    const z = labels([600, 300, 100, 2]);
    expect(perClass(z, stratifiedSubsample(z, 4, 250, 3), 4)).toEqual([149, 74, 25, 2]);
  });

  it("goes past the size only when the rare classes' floors alone exceed it", () => {
    const y = labels([100, 100, 100, 100]);
    expect(perClass(y, stratifiedSubsample(y, 4, 8, 3), 4)).toEqual([3, 3, 3, 3]);
  });

  it("is the same for the same seed and differs for another", () => {
    const y = labels([50, 50]);
    const a = stratifiedSubsample(y, 2, 20, 5);
    expect([...stratifiedSubsample(y, 2, 20, 5)]).toEqual([...a]);
    expect([...stratifiedSubsample(y, 2, 20, 6)]).not.toEqual([...a]);
  });
});
