import { describe, expect, it } from "vitest";
import { bestRow, isBetter } from "../../../adapters/protocol/sweep-rule";
import type { SweepRow } from "../../../adapters/types";

const row = (C: number, validationAccuracy: number, validationLogLoss: number): SweepRow => ({
  hyperparameters: { C },
  validationAccuracy,
  validationLogLoss,
  iterations: 1,
  converged: true,
});

describe("the sweep's selection rule", () => {
  it("lets a higher accuracy win when the gap exceeds its standard error", () => {
    // 512 samples at about 80 %: the standard error is 1.8 points; this gap is 4.5.
    expect(isBetter(row(1e-3, 0.808, 0.9), row(1e-4, 0.763, 0.5), 512)).toBe(true);
    expect(isBetter(row(1e-4, 0.763, 0.5), row(1e-3, 0.808, 0.9), 512)).toBe(false);
  });

  it("lets the lower log loss decide a gap within the accuracy's noise", () => {
    // Fashion-MNIST at 256 per class: 2 validation samples apart, log loss 0.548 against 0.682.
    expect(isBetter(row(1e-2, 0.8039, 0.548), row(1e-3, 0.8078, 0.682), 512)).toBe(true);
    expect(isBetter(row(1e-3, 0.8078, 0.682), row(1e-2, 0.8039, 0.548), 512)).toBe(false);
  });

  it("resolves the same gap by accuracy once the validation set is large enough", () => {
    expect(isBetter(row(1e-2, 0.8039, 0.548), row(1e-3, 0.8078, 0.682), 100_000)).toBe(false);
  });

  it("keeps the earlier candidate on a full tie, and decides perfect scores by log loss", () => {
    expect(isBetter(row(1, 0.9, 0.3), row(0.1, 0.9, 0.3), 50)).toBe(false);
    expect(isBetter(row(1, 1, 0.01), row(0.1, 1, 0.02), 50)).toBe(true);
  });

  it("picks each row in sweep order against the best so far", () => {
    const sweep = [row(1e-4, 0.763, 1.226), row(1e-3, 0.808, 0.682), row(1e-2, 0.804, 0.548)];
    expect(bestRow(sweep, 512).hyperparameters).toEqual({ C: 1e-2 });
    expect(bestRow(sweep.slice(0, 2), 512).hyperparameters).toEqual({ C: 1e-3 });
    expect(() => bestRow([], 10)).toThrow();
  });
});
