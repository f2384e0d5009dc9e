import { HeadInputError } from "../errors";

/** Reads an optional numeric hyperparameter from user options, rejecting anything outside [min, max]. */
export function numberOption(
  options: Record<string, unknown> | undefined,
  name: string,
  fallback: number,
  range: { min: number; max: number; integer?: boolean },
  path = `hyperparameters.${name}`,
): number {
  // Own keys only: a name such as "constructor" (a class label) must not read Object.prototype's.
  const value = options && Object.hasOwn(options, name) ? options[name] : undefined;
  if (value === undefined) return fallback;
  assertNumberInRange(value, path, range);
  return value;
}

/** A non-empty grid of numbers in [min, max], at most 20 long. */
export function gridOption(
  grid: unknown,
  name: string,
  fallback: readonly number[],
  range: { min: number; max: number },
): number[] {
  if (grid === undefined) return [...fallback];
  if (!Array.isArray(grid) || grid.length === 0 || grid.length > 20) {
    throw new HeadInputError("invalid-options", `${name} must be an array of 1 to 20 numbers`);
  }
  grid.forEach((value, i) => {
    assertNumberInRange(value, `${name}[${i}]`, range);
  });
  return [...grid];
}

function assertNumberInRange(
  value: unknown,
  name: string,
  range: { min: number; max: number; integer?: boolean },
): asserts value is number {
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    value >= range.min &&
    value <= range.max &&
    (!range.integer || Number.isInteger(value));
  if (!ok) {
    const kind = range.integer ? "an integer" : "a number";
    throw new HeadInputError(
      "invalid-options",
      `${name} must be ${kind} in [${range.min}, ${range.max}], got ${String(value)}`,
    );
  }
}
