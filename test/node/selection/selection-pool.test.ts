import { describe, expect, it } from "vitest";
import { TRAINING_BUDGET, trainingSamplesAllowed, trainingValues } from "../../../adapters";
import { overTrainingBudget, selectionPool } from "../../../src/selection/selection-pool";

const samples = (n: number, labels: number) =>
  Array.from({ length: n }, (_, i) => ({ label: `l${i % labels}`, hash: String(i) }));

// MobileNetV2 1.4's pooled output, MobileNetV2 1.0's, and a narrow cut.
const imageCandidates = [{ dim: 1792 }, { dim: 448 }, { dim: 1280 }];

describe("selectionPool", () => {
  it("measures every sample when the widest fusion fits the training budget", () => {
    const stored = samples(400, 4);
    const pool = selectionPool(stored, imageCandidates, 0);
    expect(pool.samples).toBe(stored);
    expect(pool.stored).toBe(400);
  });

  it("draws a stratified subsample that the two widest candidates fused can be cross-validated on", () => {
    const stored = samples(5000, 10);
    const pool = selectionPool(stored, imageCandidates, 0);
    const allowed = trainingSamplesAllowed({ labels: 10 }, 1792 + 1280);
    expect(pool.stored).toBe(5000);
    expect(pool.samples).toHaveLength(allowed);
    expect(trainingValues(allowed, { labels: 10 }, 1792 + 1280)).toBeLessThanOrEqual(
      TRAINING_BUDGET.values,
    );
    const perLabel = new Map<string, number>();
    for (const { label } of pool.samples) perLabel.set(label, (perLabel.get(label) ?? 0) + 1);
    expect([...perLabel.values()].every((n) => Math.abs(n - allowed / 10) <= 1)).toBe(true);
    expect(new Set(pool.samples.map((s) => s.hash)).size).toBe(allowed);
  });

  it("draws the same pool in every process of a job (same samples, same seed)", () => {
    const a = selectionPool(samples(5000, 10), imageCandidates, 3).samples.map((s) => s.hash);
    const b = selectionPool(samples(5000, 10), imageCandidates, 3).samples.map((s) => s.hash);
    expect(b).toEqual(a);
  });
});

describe("overTrainingBudget", () => {
  it("passes a candidate within the budget and names the values of one over it", () => {
    expect(overTrainingBudget({ dim: 512 }, { samples: 1000, labels: 10 })).toBeNull();
    const reason = overTrainingBudget({ dim: 4608 }, { samples: 768, labels: 256 });
    expect(reason).toContain(String(trainingValues(768, { labels: 256 }, 4608)));
    expect(reason).toContain("128 MB");
  });
});
