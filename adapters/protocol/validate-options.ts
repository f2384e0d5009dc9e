import { HeadInputError } from "../errors";
import { HEAD_SPECS } from "../heads/registry";
import type { HeadType, Hyperparameters, SplitFractions, TrainOptions } from "../types";

export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.6, validation: 0.2, test: 0.2 };
export const DEFAULT_SEED = 0;

/**
 * Options the protocol itself reads; head-specific ones are checked by each head spec. `fractions`
 * are the shares of the holdout protocol, used when it is asked for or chosen (evaluation-protocol.ts).
 */
export function protocolOptions(options: TrainOptions = {}): {
  seed: number;
  fractions: SplitFractions;
  targetPrecision: number | null;
} {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new HeadInputError(
      "invalid-options",
      `seed must be an integer in [0, 2^32), got ${seed}`,
    );
  }
  const fractions = holdoutFractions(options);
  const parts = [fractions.train, fractions.validation, fractions.test];
  if (
    !parts.every((f) => typeof f === "number" && f > 0 && f < 1) ||
    Math.abs(parts.reduce((a, b) => a + b, 0) - 1) > 1e-9
  ) {
    throw new HeadInputError(
      "invalid-options",
      `fractions must be three numbers in (0, 1) summing to 1, got ${JSON.stringify(fractions)}`,
    );
  }
  const targetPrecision = options.targetPrecision ?? null;
  if (targetPrecision !== null && !(targetPrecision > 0 && targetPrecision < 1)) {
    throw new HeadInputError(
      "invalid-options",
      `targetPrecision must be in (0, 1), got ${targetPrecision}: no finite set of answers shows a precision of 1`,
    );
  }
  return { seed, fractions, targetPrecision };
}

/**
 * The hyperparameters the request fixed, as the report lists them. Each was checked when the
 * options were (validateTrainOptions: known names, values the head's create accepts).
 */
export function fixedHyperparameters(options: TrainOptions = {}): Hyperparameters {
  return { ...(options.hyperparameters as Hyperparameters | undefined) };
}

/** The holdout shares: `fractions`, or `testFraction` with a quarter of the rest for validation. */
function holdoutFractions(options: TrainOptions): SplitFractions {
  const { testFraction } = options;
  if (testFraction === undefined) return options.fractions ?? DEFAULT_FRACTIONS;
  if (options.fractions !== undefined) {
    throw new HeadInputError("invalid-options", "give testFraction or fractions, not both");
  }
  if (!(typeof testFraction === "number" && testFraction > 0 && testFraction <= 0.5)) {
    throw new HeadInputError(
      "invalid-options",
      `testFraction must be a number in (0, 0.5], got ${String(testFraction)}`,
    );
  }
  const validation = share((1 - testFraction) / 4);
  return { train: share(1 - testFraction - validation), validation, test: testFraction };
}

/** A share as the report shows it: 0.6, not the 0.6000000000000001 that 1 − 0.2 − 0.2 gives. */
function share(fraction: number): number {
  return Number(fraction.toFixed(12));
}

/**
 * Refuses a hyperparameter or sweep grid the head type does not take, naming those it does. Throws
 * HeadInputError.
 */
export function assertOptionNames(
  headType: string,
  takes: { hyperparameterNames: readonly string[]; sweepGridNames: readonly string[] },
  options: TrainOptions,
): void {
  const names = Object.keys(options.hyperparameters ?? {});
  const unknown = names.find((name) => !takes.hyperparameterNames.includes(name));
  if (unknown !== undefined) {
    throw new HeadInputError(
      "invalid-options",
      `a ${headType} head has no hyperparameter ${JSON.stringify(unknown.slice(0, 64))}; it takes: ${takes.hyperparameterNames.join(", ") || "none"}`,
    );
  }
  const grid = Object.entries(options.sweep ?? {}).find(
    ([name, values]) => values !== undefined && !takes.sweepGridNames.includes(name),
  );
  if (grid !== undefined) {
    throw new HeadInputError(
      "invalid-options",
      `a ${headType} head sweeps no ${JSON.stringify(grid[0].slice(0, 64))}; it sweeps: ${takes.sweepGridNames.join(", ") || "nothing"}`,
    );
  }
}

/**
 * Checks every option of a training request for a head type, as the protocol and the head will read
 * them, without any samples: a bad value is refused before a job is queued. Throws HeadInputError.
 */
export function validateTrainOptions(headType: HeadType, options: TrainOptions = {}): void {
  if (!Object.hasOwn(HEAD_SPECS, headType)) {
    throw new HeadInputError(
      "invalid-options",
      `headType must be one of ${Object.keys(HEAD_SPECS).join(", ")}`,
    );
  }
  const spec = HEAD_SPECS[headType];
  protocolOptions(options);
  assertOptionNames(headType, spec, options);
  // The samples' labels are not known yet: a per-label class weight is checked against its own.
  const classWeight = options.hyperparameters?.classWeight;
  const labels =
    typeof classWeight === "object" && classWeight !== null ? Object.keys(classWeight) : [];
  for (const candidate of spec.candidates(options, labels)) spec.create(candidate, options, labels);
}
