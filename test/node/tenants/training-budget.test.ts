import { describe, expect, it } from "vitest";
import {
  hiddenUnitsOf,
  TRAINING_BUDGET,
  trainingSamplesAllowed,
  trainingValues,
} from "../../../adapters";
import { Problem } from "../../../src/problem";
import { assertTrainingBudget, TENANT_LIMITS } from "../../../src/tenant-limits";

function refusal(samples: number, labels: number, dim: number): Problem | null {
  try {
    assertTrainingBudget({ samples, labels }, dim, "this upload");
    return null;
  } catch (error) {
    if (error instanceof Problem) return error;
    throw error;
  }
}

describe("training budget", () => {
  it("is the values of 96 MiB at 12 bytes each, the tenant limit of that name", () => {
    expect(TRAINING_BUDGET.values).toBe(2 ** 23);
    expect(TENANT_LIMITS.trainingValues).toBe(TRAINING_BUDGET.values);
  });

  it("counts a label as 18 samples, at the embedding's dimension", () => {
    expect(trainingValues(1000, { labels: 10 }, 512)).toBe(512 * (1000 + 180));
    expect(trainingValues(0, { labels: 0 }, 4608)).toBe(0);
  });

  // MobileNetV2 1.4 (1,792), lexical (4,096), lexical+use-lite (4,608), use-lite (512).
  it.each([
    [1792, 10, 4501],
    [4096, 2, 2012],
    [4608, 10, 1640],
    [512, 256, 11776],
  ])(
    "at %i dimensions with %i labels allows %i samples, and refuses one more",
    (dim, labels, allowed) => {
      expect(trainingSamplesAllowed({ labels }, dim)).toBe(allowed);
      expect(refusal(allowed, labels, dim)).toBeNull();
      const refused = refusal(allowed + 1, labels, dim);
      expect(refused?.status).toBe(422);
      expect(refused?.slug).toBe("limit-exceeded");
      expect(refused?.extensions).toMatchObject({
        limit: "trainingValues",
        max: TRAINING_BUDGET.values,
        dimension: dim,
        samples: allowed + 1,
        labels,
        maxSamples: allowed,
      });
      expect(refused?.detail).toContain(`that is ${allowed} samples`);
    },
  );

  it("allows no samples where the labels alone are over the budget", () => {
    const dim = 4608;
    const labels = 256;
    expect(trainingSamplesAllowed({ labels }, dim)).toBe(0);
    expect(refusal(3 * labels, labels, dim)?.extensions).toMatchObject({ maxSamples: 0 });
  });

  it("counts an MLP's hidden unit as 4 samples: 1,024 units refuse what 64 allow", () => {
    expect(trainingValues(1000, { labels: 10, hiddenUnits: 64 }, 1792)).toBe(
      1792 * (1000 + 180 + 256),
    );
    expect(hiddenUnitsOf("mlp", {})).toBe(64);
    expect(hiddenUnitsOf("mlp", { hiddenUnits: 1024 })).toBe(1024);
    expect(hiddenUnitsOf("logistic", { hiddenUnits: 1024 })).toBe(0);
    const width = { samples: 1000, labels: 10 };
    expect(() =>
      assertTrainingBudget({ ...width, hiddenUnits: 64 }, 1792, "this training"),
    ).not.toThrow();
    try {
      assertTrainingBudget({ ...width, hiddenUnits: 1024 }, 1792, "this training");
      expect.unreachable();
    } catch (error) {
      expect((error as Problem).extensions).toMatchObject({
        hiddenUnits: 1024,
        maxSamples: trainingSamplesAllowed({ labels: 10, hiddenUnits: 1024 }, 1792),
      });
      expect((error as Problem).detail).toContain("1024 hidden units");
    }
  });

  it("keeps every legal adapter on a 1,280-dimensional backbone within it at 10 labels", () => {
    expect(
      trainingValues(TENANT_LIMITS.samplesPerAdapter, { labels: 10 }, 1280),
    ).toBeLessThanOrEqual(TRAINING_BUDGET.values);
  });
});
