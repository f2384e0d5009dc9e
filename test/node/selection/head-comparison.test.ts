/**
 * Frozen against top unfrozen (src/selection/head-comparison.ts): top unfrozen is recommended only
 * when it beats frozen by more than the tie tolerance of the ranking (max(1 pt, the corrected
 * standard error of the fold-by-fold difference)); a near tie, a noisy gain or a loss keeps frozen.
 */

import { describe, expect, it } from "vitest";
import type { FinetuneRound } from "../../../adapters/selection";
import { compareHeads } from "../../../src/selection/head-comparison";

const FOLDS = 5;
const FROZEN = [0.7, 0.74, 0.68, 0.72, 0.71];

/** Rounds whose top-unfrozen macro-F1 is frozen's plus `gains[j]`. */
function rounds(gains: number[]): FinetuneRound[] {
  return FROZEN.map((macroF1, j) => {
    const gain = gains[j] as number;
    return {
      frozen: { accuracy: macroF1 + 0.05, macroF1 },
      topUnfrozen: { accuracy: macroF1 + gain + 0.05, macroF1: macroF1 + gain },
      finetuned: gain !== 0,
      frozenHeadBytes: 12_000,
      finetuneHeadBytes: gain !== 0 ? 480_000 : null,
      fitMs: 20_000,
    };
  });
}

function compare(gains: number[]) {
  return compareHeads({ folds: FOLDS, repeats: 1, rounds: rounds(gains), samples: 200 });
}

describe("frozen against top unfrozen", () => {
  it("recommends top unfrozen when it beats frozen on every fold by more than the tolerance", () => {
    const comparison = compare([0.03, 0.04, 0.03, 0.035, 0.03]);
    expect(comparison.difference).toBeCloseTo(0.033, 6);
    expect(comparison.tieTolerance).toBeLessThan(comparison.difference);
    expect(comparison.recommendation).toMatchObject({
      variant: "top-unfrozen",
      headType: "finetune",
    });
    expect(comparison.recommendation.reason).toMatch(
      /^top unfrozen: .*more than the tie tolerance/,
    );
    expect(comparison.finetunedRounds).toBe(5);
    const [frozen, top] = comparison.variants;
    expect(frozen).toMatchObject({ variant: "frozen", headType: "logistic", headBytes: 12_000 });
    expect(top).toMatchObject({ variant: "top-unfrozen", headBytes: 480_000 });
    expect(top.foldMacroF1).toHaveLength(FOLDS);
    expect(comparison.trainingMsPerRound).toBe(20_000);
  });

  it("keeps frozen on a gain within the 1-pt floor, even when every fold agrees", () => {
    const comparison = compare([0.008, 0.008, 0.008, 0.008, 0.008]);
    expect(comparison.tieTolerance).toBe(0.01);
    expect(comparison.recommendation.variant).toBe("frozen");
    expect(comparison.recommendation.reason).toMatch(/within the tie tolerance .* cheaper head/);
    expect(comparison.recommendation.reason).toMatch(/12 KiB against 469 KiB/);
  });

  it("keeps frozen when a larger mean gain is within the folds' noise", () => {
    const comparison = compare([0.2, -0.1, 0.15, -0.08, 0.03]);
    expect(comparison.difference).toBeGreaterThan(0.01);
    expect(comparison.tieTolerance).toBeGreaterThan(comparison.difference);
    expect(comparison.recommendation.headType).toBe("logistic");
  });

  it("keeps frozen when validation never kept a finetuned top, or top unfrozen is worse", () => {
    const same = compare([0, 0, 0, 0, 0]);
    expect(same.difference).toBe(0);
    expect(same.finetunedRounds).toBe(0);
    expect(same.variants[1].headBytes).toBeNull();
    expect(same.recommendation.variant).toBe("frozen");
    expect(same.recommendation.reason).toMatch(/in 0 of 5 folds/);
    const worse = compare([-0.05, -0.04, -0.06, -0.05, -0.05]);
    expect(worse.recommendation.variant).toBe("frozen");
    expect(worse.recommendation.reason).toMatch(/is not above frozen's/);
  });
});
