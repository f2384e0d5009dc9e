/**
 * The Train form's options as typed, and the request body they make. Shares are typed in percent,
 * as people say them; a blank field leaves the API's default (cross-validation below 2,000 samples
 * or 50 in the smallest label, no abstaining, labels weighted alike).
 */

export interface TrainChoices {
  /** Percent of the samples held out to test the head for its report. */
  testPercent: string;
  /** Percent held out to validate it; blank for a quarter of what the test leaves. */
  validationPercent: string;
  /** Precision the head abstains to reach, in percent. */
  precisionPercent: string;
  /** Weigh each label by the inverse of its share of the samples (logistic heads). */
  balanced: boolean;
}

export type PercentField = "testPercent" | "validationPercent" | "precisionPercent";

export const NO_CHOICES: TrainChoices = {
  testPercent: "",
  validationPercent: "",
  precisionPercent: "",
  balanced: false,
};

export interface TrainBody {
  headType: string;
  activate: boolean;
  testFraction?: number;
  fractions?: { train: number; validation: number; test: number };
  targetPrecision?: number;
  hyperparameters?: { classWeight: "balanced" };
}

/** Head types that take a class weight (the others would refuse it with a 422). */
export const CLASS_WEIGHTED_HEADS: ReadonlySet<string> = new Set(["logistic"]);

/**
 * The API's `testFraction` is at most a half; with a validation share too, the three `fractions`
 * need only leave something to train on.
 */
const MAX_TEST_FRACTION_PERCENT = 50;

/** The body of POST …/train for these choices, or what is wrong with which field, in a sentence. */
export function trainBody(
  headType: string,
  activate: boolean,
  choices: TrainChoices,
): { body: TrainBody } | { problem: string; field: PercentField } {
  const validation = percentOf(choices, "validationPercent", "The validation share");
  const test = percentOf(
    choices,
    "testPercent",
    "The test share",
    validation === null ? MAX_TEST_FRACTION_PERCENT : 100,
  );
  const precision = percentOf(choices, "precisionPercent", "The target precision");
  for (const outcome of [test, validation, precision]) {
    if (outcome !== null && "problem" in outcome) return outcome;
  }
  const percent = (outcome: typeof test) => (outcome as { percent: number } | null)?.percent;
  const [t, v, p] = [percent(test), percent(validation), percent(precision)];
  const body: TrainBody = { headType, activate };
  if (v !== undefined) {
    if (t === undefined) {
      return { problem: "Give a test share with the validation share.", field: "testPercent" };
    }
    const train = 100 - t - v;
    if (train <= 0) {
      return {
        problem: "The test and validation shares leave nothing to train on.",
        field: "validationPercent",
      };
    }
    body.fractions = { train: fraction(train), validation: fraction(v), test: fraction(t) };
  } else if (t !== undefined) {
    body.testFraction = fraction(t);
  }
  if (p !== undefined) body.targetPrecision = fraction(p);
  if (choices.balanced && CLASS_WEIGHTED_HEADS.has(headType)) {
    body.hyperparameters = { classWeight: "balanced" };
  }
  return { body };
}

/** percent / 100 to 10 decimals, so that the report reads 0.7 for 100 − 20 − 10, not 0.7000000000000001. */
function fraction(percent: number): number {
  return Math.round(percent * 1e8) / 1e10;
}

/**
 * A percent field above 0 and below 100 (no share or precision reaches either end), at most `max`:
 * null when blank, else its value or a sentence saying what is wrong.
 */
function percentOf(
  choices: TrainChoices,
  field: PercentField,
  name: string,
  max = 100,
): { percent: number } | { problem: string; field: PercentField } | null {
  const trimmed = choices[field].trim();
  if (trimmed === "") return null;
  // A decimal as people type one ("12.5", "12,5", "95 %"); not "0x10" or "1e1", which Number takes.
  const decimal = /^(\d+(?:[.,]\d*)?|[.,]\d+)\s*%?$/.exec(trimmed)?.[1];
  const percent = decimal === undefined ? Number.NaN : Number(decimal.replace(",", "."));
  if (!Number.isFinite(percent) || percent <= 0 || percent > max || percent >= 100) {
    const range = max < 100 ? `at most ${max} (more with a validation share)` : "below 100";
    return {
      problem: `${name} must be a percentage above 0 and ${range}, not "${trimmed}".`,
      field,
    };
  }
  return { percent };
}
