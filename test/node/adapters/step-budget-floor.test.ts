/**
 * The fewest steps a training can take (step-budget-floor.ts) never exceeds what a real run takes,
 * so refusing a training whose floor is over its budget refuses only trainings that would fail.
 */

import { describe, expect, it } from "vitest";
import {
  stepBudgetRefusal,
  TrainingRun,
  type TrainOptions,
  trainingStepsFloor,
} from "../../../adapters";
import { blobs } from "./helpers";

const STEP = 2e5;

/** Steps a real training takes at STEP flops a step, and the floor's figure for it. */
function stepsAndFloor(perClass: number, classes: number, options: TrainOptions) {
  const dim = 16;
  const { samples } = blobs({ perClass, classes, dim, separation: 0.5, seed: 3 });
  const run = new TrainingRun({
    headType: "mlp",
    backbone: { id: "blobs", weightsHash: "none", dim },
    samples,
    options,
  });
  let steps = 0;
  while (!run.done) {
    run.advance(STEP);
    steps++;
  }
  const labels = Array.from({ length: classes }, (_, k) => `class-${k}`);
  const plan = {
    headType: "mlp" as const,
    options,
    classCounts: labels.map(() => perClass),
    labels,
    dim,
  };
  return { steps, floor: trainingStepsFloor(plan, STEP) };
}

describe("trainingStepsFloor", () => {
  it.each([
    ["cross-validation, defaults", 20, 2, {}],
    ["cross-validation, patience 30", 15, 3, { hyperparameters: { patience: 30, maxEpochs: 60 } }],
    ["holdout asked for", 40, 2, { testFraction: 0.2, hyperparameters: { batchSize: 4 } }],
  ])("stays at or below what a real run takes: %s", (_, perClass, classes, options) => {
    const { steps, floor } = stepsAndFloor(perClass, classes, options);
    expect(floor?.steps).toBeLessThanOrEqual(steps);
    // And not so loose that it could never refuse anything (it is 35-65 % of these runs).
    expect(floor?.steps).toBeGreaterThan(steps / 4);
  });

  it("has none for heads that may stop at once", () => {
    const plan = { options: {}, classCounts: [10, 10], labels: ["a", "b"], dim: 512 };
    expect(trainingStepsFloor({ ...plan, headType: "logistic" })).toBeNull();
    expect(trainingStepsFloor({ ...plan, headType: "prototype" })).toBeNull();
  });
});

describe("stepBudgetRefusal", () => {
  const wide = { headType: "mlp" as const, classCounts: [450, 450], labels: ["a", "b"], dim: 4096 };

  it("refuses a training whose least work is over every step it may take", () => {
    const long = { hyperparameters: { maxEpochs: 1000, patience: 100, hiddenUnits: 256 } };
    expect(stepBudgetRefusal({ ...wide, options: long })).toMatch(
      /^this training would take at least \d+ job steps \(5 cross-validation rounds of 2 sweep candidates on 900 samples at 4096 dimensions\), more than the 12000 a training may take/,
    );
  });

  it("lets through the same samples with the head's defaults", () => {
    expect(stepBudgetRefusal({ ...wide, options: {} })).toBeNull();
  });
});
