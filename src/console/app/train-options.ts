/**
 * The Train form's options as typed, and the request body they make. Shares are typed in percent,
 * as people say them; a blank field leaves the API's default (cross-validation below 2,000 samples,
 * no abstaining, classes weighted alike).
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

/** The body of POST …/train for these choices, or what is wrong with them, in a sentence. */
export function trainBody(
  headType: string,
  activate: boolean,
  choices: TrainChoices,
): { body: TrainBody } | { problem: string } {
  const test = percentOf(choices.testPercent, "The test share", 0, 50);
  const validation = percentOf(choices.validationPercent, "The validation share", 0, 100);
  const precision = percentOf(choices.precisionPercent, "The target precision", 0, 100);
  const problem = [test, validation, precision].find((p) => typeof p === "string");
  if (typeof problem === "string") return { problem };
  const body: TrainBody = { headType, activate };
  if (typeof validation === "number") {
    if (typeof test !== "number")
      return { problem: "Give a test share with the validation share." };
    const train = 1 - test - validation;
    if (train <= 0) return { problem: "The test and validation shares leave nothing to train on." };
    body.fractions = { train, validation, test };
  } else if (typeof test === "number") {
    body.testFraction = test;
  }
  if (typeof precision === "number") body.targetPrecision = precision;
  if (choices.balanced && CLASS_WEIGHTED_HEADS.has(headType)) {
    body.hyperparameters = { classWeight: "balanced" };
  }
  return { body };
}

/**
 * A percent field as a fraction in (min, max] percent, exclusive of 100 (no held-out share or
 * precision reaches it); null when blank, a sentence when it is not such a number.
 */
function percentOf(text: string, name: string, min: number, max: number): number | null | string {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const value = Number(trimmed);
  const top = Math.min(max, 100);
  if (!Number.isFinite(value) || value <= min || value > top || value === 100) {
    return `${name} must be a percentage above ${min} and ${top === 100 ? "below 100" : `at most ${top}`}, not "${trimmed}".`;
  }
  return value / 100;
}
