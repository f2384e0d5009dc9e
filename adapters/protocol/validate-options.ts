import { HeadInputError } from "../errors";
import type { SplitFractions, TrainOptions } from "../types";

export const DEFAULT_FRACTIONS: SplitFractions = { train: 0.6, validation: 0.2, test: 0.2 };
export const DEFAULT_SEED = 0;

/** Options the protocol itself reads; head-specific ones are checked by each head spec. */
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
  const fractions = options.fractions ?? DEFAULT_FRACTIONS;
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
  if (targetPrecision !== null && !(targetPrecision > 0 && targetPrecision <= 1)) {
    throw new HeadInputError(
      "invalid-options",
      `targetPrecision must be in (0, 1], got ${targetPrecision}`,
    );
  }
  return { seed, fractions, targetPrecision };
}
