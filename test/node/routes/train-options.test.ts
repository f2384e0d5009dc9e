/** A training request is checked for its head type before a job is queued. */

import { describe, expect, it } from "vitest";
import {
  finetuneRunOptions,
  HeadInputError,
  type HeadType,
  type TrainOptions,
  validateAdapterTrainOptions,
  validateTrainOptions,
} from "../../../adapters";
import { assertClassWeightLabels } from "../../../src/jobs/readiness";
import { TrainRequestSchema } from "../../../src/routes/train-request";

function refusal(run: () => void): string {
  try {
    run();
  } catch (error) {
    if (error instanceof HeadInputError) return error.message;
    throw error;
  }
  throw new Error("expected a HeadInputError");
}

describe("validateTrainOptions", () => {
  it.each([
    ["logistic", {}],
    ["logistic", { hyperparameters: { classWeight: "balanced", maxIterations: 50, tol: 1e-6 } }],
    ["logistic", { sweep: { cGrid: [0.1, 1] }, seed: 7 }],
    ["mlp", { hyperparameters: { hiddenUnits: 512, maxEpochs: 400, patience: 100, batchSize: 4 } }],
    ["prototype", { targetPrecision: 0.9 }],
    ["logistic", { testFraction: 0.25 }],
    ["logistic", { hyperparameters: { classWeight: { spam: 3, ham: 0.5 } } }],
  ] as [HeadType, TrainOptions][])("accepts %s %j", (headType, options) => {
    expect(() => validateTrainOptions(headType, options)).not.toThrow();
  });

  it("takes a weight per label in a request, and refuses one the adapter does not have", () => {
    const body = { hyperparameters: { classWeight: { spam: 3 } } };
    expect(TrainRequestSchema.safeParse(body).success).toBe(true);
    const counts = {
      total: 6,
      labels: [
        { label: "spam", count: 3 },
        { label: "ham", count: 3 },
      ],
    };
    expect(() => assertClassWeightLabels(counts, body.hyperparameters)).not.toThrow();
    expect(() => assertClassWeightLabels(counts, { classWeight: "balanced" })).not.toThrow();
    expect(() => assertClassWeightLabels(counts, { classWeight: { eggs: 2 } })).toThrow(
      /classWeight names "eggs", which is not a label of this adapter/,
    );
    // Weights of 0 that leave fewer than two labels to tell apart: a head of uniform guesses.
    expect(() => assertClassWeightLabels(counts, { classWeight: { spam: 0 } })).toThrow(
      /leaves only "ham" with a weight above 0/,
    );
    expect(() => assertClassWeightLabels(counts, { classWeight: { spam: 0, ham: 0 } })).toThrow(
      /leaves no label with a weight above 0/,
    );
  });

  it.each([
    [
      "mlp",
      { hyperparameters: { hiddenUnits: 5000 } },
      "hiddenUnits must be an integer in [1, 1024]",
    ],
    ["mlp", { hyperparameters: { dropout: "lots" } }, "dropout must be a number"],
    ["mlp", { sweep: { weightDecayGrid: [-1] } }, "sweep.weightDecayGrid[0]"],
    ["logistic", { hyperparameters: { classWeight: "heavy" } }, "classWeight must be"],
    ["logistic", { hyperparameters: { maxIterations: 0.5 } }, "maxIterations"],
    ["logistic", { hyperparameters: { hiddenUnits: 8 } }, 'no hyperparameter "hiddenUnits"'],
    ["logistic", { hyperparameters: { constructor: 1 } }, 'no hyperparameter "constructor"'],
    ["prototype", { hyperparameters: { C: 1 } }, "it takes: none"],
    // A grid the head does not sweep was dropped without a word (an mlp trained on its default
    // learning rate with `learningRateGrid: [1e308]`, which only a finetune head reads).
    ["mlp", { sweep: { learningRateGrid: [0.1] } }, 'a mlp head sweeps no "learningRateGrid"'],
    ["mlp", { sweep: { cGrid: [1] } }, "it sweeps: weightDecayGrid"],
    ["logistic", { sweep: { weightDecayGrid: [0.1] } }, "it sweeps: cGrid"],
    ["prototype", { sweep: { cGrid: [1] } }, "it sweeps: nothing"],
    ["logistic", { fractions: { train: 0.5, validation: 0.5, test: 0.5 } }, "fractions"],
    ["logistic", { seed: -1 }, "seed"],
    ["logistic", { testFraction: 0.9 }, "testFraction must be a number in (0, 0.5]"],
    [
      "logistic",
      { testFraction: 0.2, fractions: { train: 0.6, validation: 0.2, test: 0.2 } },
      "give testFraction or fractions, not both",
    ],
  ] as [HeadType, TrainOptions, string][])("refuses %s %j", (headType, options, expected) => {
    expect(refusal(() => validateTrainOptions(headType, options))).toContain(expected);
  });

  it("checks a per-label class weight against its own labels", () => {
    const options = { hyperparameters: { classWeight: { constructor: 2, spam: 1 } } };
    expect(() => validateTrainOptions("logistic", options as never)).not.toThrow();
    const bad = { hyperparameters: { classWeight: { spam: -1 } } };
    expect(refusal(() => validateTrainOptions("logistic", bad as never))).toContain("spam");
  });

  it("refuses a head type that is only a property name", () => {
    expect(refusal(() => validateTrainOptions("constructor" as never))).toContain("headType");
  });
});

describe("a finetune head's options", () => {
  it("accepts its grids under sweep, its epochs, and the logistic options of its frozen stage", () => {
    const options = {
      sweep: { learningRateGrid: [1e-4], l2spGrid: [0, 1], cGrid: [1] },
      hyperparameters: { maxEpochs: 5, batchSize: 8, classWeight: "balanced" },
    };
    expect(() => validateAdapterTrainOptions("finetune", options)).not.toThrow();
    expect(TrainRequestSchema.safeParse({ headType: "finetune", ...options }).success).toBe(true);
  });

  it.each([
    // The grids are sent under sweep, and named so (they were "hyperparameters.learningRateGrid");
    // a name a finetune head does not take is refused as the finetune head's, with all it takes
    // (it was "a logistic head has no …; it takes: classWeight, maxIterations, tol").
    [{ sweep: { learningRateGrid: [1] } }, "sweep.learningRateGrid[0] must be a number in"],
    [{ sweep: { l2spGrid: [-1] } }, "sweep.l2spGrid[0] must be a number in"],
    [
      { hyperparameters: { hiddenUnits: 8 } },
      'a finetune head has no hyperparameter "hiddenUnits"; it takes: batchSize, maxEpochs, patience, classWeight, maxIterations, tol',
    ],
    [{ hyperparameters: { classWeight: "heavy" } }, "classWeight must be"],
    [
      { sweep: { weightDecayGrid: [0.1] } },
      'a finetune head sweeps no "weightDecayGrid"; it sweeps: learningRateGrid, l2spGrid, cGrid',
    ],
    // Its epochs and batch size were checked only when the job began: a 202, then a failed job.
    [{ hyperparameters: { batchSize: 0 } }, "batchSize must be an integer in [1, 256]"],
    [{ hyperparameters: { maxEpochs: 1e6 } }, "maxEpochs must be an integer in [0, 200]"],
    [{ hyperparameters: { patience: 0 } }, "patience must be an integer in [1, 50]"],
  ] as [TrainOptions, string][])("refuses %j", (options, expected) => {
    expect(refusal(() => validateAdapterTrainOptions("finetune", options))).toContain(expected);
  });

  it("hands FinetuneRun its grids among its hyperparameters, the rest of the sweep untouched", () => {
    expect(
      finetuneRunOptions({
        seed: 1,
        sweep: { learningRateGrid: [1e-4], cGrid: [2] },
        hyperparameters: { maxEpochs: 3 },
      }),
    ).toEqual({
      seed: 1,
      sweep: { cGrid: [2] },
      hyperparameters: { maxEpochs: 3, learningRateGrid: [1e-4] },
    });
  });
});

describe("the train request schema", () => {
  // It said "hyperparameters.tol: Invalid input" (a value no branch of the union takes).
  it("says what a hyperparameter's value may be, given 1e309 (Infinity once parsed)", () => {
    const body = JSON.parse('{"hyperparameters": {"tol": 1e309}}');
    const issues = TrainRequestSchema.safeParse(body).error?.issues ?? [];
    expect(issues.map((issue) => issue.message)).toEqual([
      "a finite number, a string of at most 64 characters, true or false, null, or a number per label",
    ]);
  });

  // A grid given as a hyperparameter (`"cGrid": [1]`) got the message above, which does not say where grids go.
  it("says where a list of values goes, given one", () => {
    const body = { headType: "mlp", hyperparameters: { cGrid: [1] } };
    const issues = TrainRequestSchema.safeParse(body).error?.issues ?? [];
    expect(issues.map((issue) => issue.message)).toEqual([
      "one value, not a list: a grid of values to try goes in `sweep` (`cGrid` for logistic, `weightDecayGrid` for mlp)",
    ]);
  });

  it.each([
    ["a huge hyperparameter value", { hyperparameters: { classWeight: "x".repeat(65) } }],
    ["a huge hyperparameter name", { hyperparameters: { ["x".repeat(65)]: 1 } }],
    [
      "too many hyperparameters",
      { hyperparameters: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`h${i}`, i])) },
    ],
    ["an unsafe seed", { seed: 2 ** 53 }],
    ["a negative seed", { seed: -1 }],
    ["a fractional seed", { seed: 1.5 }],
    ["a long grid", { sweep: { cGrid: Array(21).fill(1) } }],
    ["a value nested twice", { hyperparameters: { classWeight: { a: { b: 1 } } } }],
    ["a per-label value that is not a number", { hyperparameters: { classWeight: { a: "1" } } }],
    ["a per-label __proto__", JSON.parse('{"hyperparameters": {"classWeight": {"__proto__": 2}}}')],
    // As JSON.parse reads a body: an own "__proto__" key, which a copy would silently drop.
    ["a __proto__ hyperparameter", JSON.parse('{"hyperparameters": {"__proto__": {"tol": 1}}}')],
  ])("refuses %s", (_, body) => {
    expect(TrainRequestSchema.safeParse(body).success).toBe(false);
  });

  // The union of value kinds once answered with its own message, which did not say why.
  it("says why a weight for a label named __proto__ is refused", () => {
    const body = JSON.parse('{"hyperparameters": {"classWeight": {"__proto__": 2, "a": 1}}}');
    const parsed = TrainRequestSchema.safeParse(body);
    expect(parsed.error?.issues.map(({ path, message }) => [path.join("."), message])).toEqual([
      [
        "hyperparameters.classWeight",
        expect.stringContaining("a label named `__proto__` cannot be given a weight"),
      ],
    ]);
  });
});
