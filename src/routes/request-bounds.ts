/**
 * Bounds shared by the JSON control routes' schemas, so that no free-form field can carry more than
 * a request of its kind needs (the body limit caps the whole; these cap each field).
 */

import { z } from "@hono/zod-openapi";
import { LIMITS as HEAD_LIMITS } from "../../adapters";

export const REQUEST_BOUNDS = {
  /** Characters in an id or a backbone / layer name sent in a body. */
  idLength: 64,
  /** Characters in a tenant or adapter name. */
  nameLength: 100,
  /** Entries in `hyperparameters`. */
  hyperparameters: 16,
  /** Characters in a hyperparameter's name or string value. */
  hyperparameterLength: 64,
  /** Values in a sweep grid. */
  gridLength: 20,
} as const;

/** A seed for the seeded parts of training and selection: an integer in [0, 2^32). */
export const SeedSchema = z.int().min(0).max(0xffffffff);

/** An id or a name of something the deployment defines (a backbone, a cut layer, a job). */
export const IdSchema = z.string().min(1).max(REQUEST_BOUNDS.idLength);

/** A numeric grid for a hyperparameter sweep. */
export function gridSchema(value: z.ZodNumber) {
  return z.array(value).min(1).max(REQUEST_BOUNDS.gridLength);
}

/**
 * A hyperparameter's value: a scalar, or a number per label (logistic `classWeight`, the labels as
 * the head checks them: known ones only, weights in [0, 10⁶]).
 */
export const HyperparameterValueSchema = z.union(
  [
    z.number(),
    z.string().max(REQUEST_BOUNDS.hyperparameterLength),
    z.boolean(),
    z.null(),
    z.preprocess(
      protoKeyRefused(
        "a label named `__proto__` cannot be given a weight here (a JSON object cannot carry that key safely); weigh the other labels",
      ),
      z
        .record(
          z
            .string()
            .min(1)
            .max(2 * HEAD_LIMITS.maxLabelLength),
          z.number(),
        )
        .refine(
          (perLabel) => Object.keys(perLabel).length <= HEAD_LIMITS.maxClasses,
          `at most ${HEAD_LIMITS.maxClasses} labels`,
        ),
    ),
  ],
  // A value no branch takes: zod's own message is "Invalid input". A refused `__proto__` label
  // says so itself; the union's message would hide it.
  {
    error: (issue) =>
      protoKeyMessage(issue) ??
      (Array.isArray(issue.input)
        ? "one value, not a list: a grid of values to try goes in `sweep` (`cGrid` for logistic, `weightDecayGrid` for mlp)"
        : `a finite number, a string of at most ${REQUEST_BOUNDS.hyperparameterLength} characters, true or false, null, or a number per label`),
  },
);

/** Head-specific fixed hyperparameters: few, short names, short values; each head checks its own. */
export const HyperparametersSchema = z.preprocess(
  protoKeyRefused("`__proto__` is not a hyperparameter name"),
  z
    .record(z.string().min(1).max(REQUEST_BOUNDS.hyperparameterLength), HyperparameterValueSchema)
    .refine(
      (hyperparameters) => Object.keys(hyperparameters).length <= REQUEST_BOUNDS.hyperparameters,
      `at most ${REQUEST_BOUNDS.hyperparameters} hyperparameters`,
    ),
);

/**
 * zod skips an own `__proto__` key when it copies a record (assigning it would set the copy's
 * prototype), so without this check the entry would vanish without an error.
 */
function protoKeyRefused(message: string) {
  return (value: unknown, context: z.RefinementCtx): unknown => {
    if (typeof value === "object" && value !== null && Object.hasOwn(value, "__proto__")) {
      context.addIssue({ code: "custom", message, params: { protoKey: true } });
    }
    return value;
  };
}

/** The message of a refused `__proto__` key among a union's branch issues, if one was refused. */
function protoKeyMessage(issue: { code?: string; errors?: unknown }): string | undefined {
  if (issue.code !== "invalid_union" || !Array.isArray(issue.errors)) return undefined;
  const refused = (issue.errors as { params?: { protoKey?: boolean }; message: string }[][])
    .flat()
    .find((branchIssue) => branchIssue.params?.protoKey === true);
  return refused?.message;
}
