import { HeadInputError } from "../errors";
import type { HeadSpec } from "../heads/head-spec";
import { gridOption, numberOption } from "../heads/hyperparameter-options";
import type { TrainOptions } from "../types";
import type { ClassWeight } from "./class-weights";
import { LOGISTIC_DEFAULTS, LogisticRegression } from "./logistic-regression";

/** Log grid of inverse L2 strengths, fitted from strongest to weakest regularisation with warm starts. */
export const DEFAULT_C_GRID = [1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100] as const;

export const logisticHeadSpec: HeadSpec = {
  headType: "logistic",
  warmStarts: true,
  standardize: true,
  hyperparameterNames: ["classWeight", "maxIterations", "tol"],
  sweepGridNames: ["cGrid"],
  candidates: (options) =>
    gridOption(options.sweep?.cGrid, "sweep.cGrid", DEFAULT_C_GRID, { min: 1e-8, max: 1e8 })
      .sort((a, b) => a - b)
      .map((C) => ({ C })),
  create: (hyperparameters, options, labels) =>
    new LogisticRegression({
      C: Number(hyperparameters.C),
      classWeight: classWeightOption(options, labels),
      maxIterations: numberOption(
        options.hyperparameters,
        "maxIterations",
        LOGISTIC_DEFAULTS.maxIterations,
        {
          min: 1,
          max: 10_000,
          integer: true,
        },
      ),
      tol: numberOption(options.hyperparameters, "tol", LOGISTIC_DEFAULTS.tol, {
        min: 1e-12,
        max: 1,
      }),
    }),
  refitHyperparameters: (chosen) => chosen,
  restore: (state) => LogisticRegression.fromState(state),
  fitFlopsBound: () => null,
};

/** "balanced", or a weight per label (missing labels weigh 1). */
function classWeightOption(options: TrainOptions, labels: string[]): ClassWeight {
  const value = options.hyperparameters?.classWeight;
  if (value === undefined || value === null) return null;
  if (value === "balanced") return "balanced";
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new HeadInputError(
      "invalid-options",
      'hyperparameters.classWeight must be "balanced" or a weight per label, e.g. { "spam": 3 }',
    );
  }
  const weights = value as Record<string, unknown>;
  const unknown = Object.keys(weights).find((label) => !labels.includes(label));
  if (unknown !== undefined) {
    throw new HeadInputError(
      "invalid-options",
      `hyperparameters.classWeight names unknown label "${unknown}"`,
    );
  }
  return labels.map((label) =>
    numberOption(
      weights,
      label,
      1,
      { min: 0, max: 1e6 },
      `hyperparameters.classWeight[${JSON.stringify(label)}]`,
    ),
  );
}
