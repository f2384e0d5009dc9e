import type { Hook, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { Problem } from "../problem";

/**
 * Issues a problem lists. A body can hold thousands of wrong values (every item of an array, every
 * unknown key): a 200 KB request was answered with a 15 MB list. The count of the rest is given.
 */
export const MAX_LISTED_ISSUES = 20;

/**
 * zod-openapi's defaultHook: a request that fails its schema becomes a 422 problem naming the fields
 * (the first MAX_LISTED_ISSUES).
 */
export const validationProblem: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const all = result.error.issues.flatMap((issue) => {
    if (result.target === "query" && issue.code === "unrecognized_keys") {
      return issue.keys.map((path) => ({ path, message: "not a query parameter of this route" }));
    }
    const path = issue.path.join(".");
    // A repeated query parameter reaches its schema as an array ("expected string, received array").
    const given = result.target === "query" ? (c.req.queries(path)?.length ?? 0) : 0;
    if (given > 1) return { path, message: `given ${given} times: give it once` };
    // An option left out is required, not "Invalid option" (zod's word for either).
    if (result.target === "query" && given === 0 && issue.code === "invalid_value") {
      const options = issue.values.map((value) => JSON.stringify(value)).join(", ");
      return { path, message: `required (one of ${options})` };
    }
    // So does a repeated multipart field.
    const repeatedField =
      result.target === "form" &&
      issue.code === "invalid_type" &&
      issue.expected !== "array" &&
      /received array$/.test(issue.message);
    return {
      path,
      message: repeatedField ? "sent more than once: send it once" : plainMessage(issue),
    };
  });
  const issues = all.slice(0, MAX_LISTED_ISSUES);
  const listed = issues.map((issue) => `${issue.path || "body"}: ${issue.message}`).join("; ");
  const more = all.length - issues.length;
  const detail = more > 0 ? `${listed}; and ${more} more` : listed;
  throw new Problem(422, "invalid-request", detail, { issues });
};

const UNITS: Record<string, [string, string]> = {
  string: ["character", "characters"],
  array: ["item", "items"],
  set: ["item", "items"],
};

/**
 * zod's own words for a field left out ("Invalid input: expected string, received undefined") or a
 * size out of bounds ("Too big: expected string to have <=128 characters")
 * in plain ones ("at most 128 characters"). Messages a schema wrote itself are left as they are.
 */
export function plainMessage(issue: z.core.$ZodIssue): string {
  // zod's word for a field left out: "Invalid input: expected string, received undefined".
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
    return `required (expected ${issue.expected})`;
  }
  if (issue.code === "unrecognized_keys" && issue.keys.length > MAX_LISTED_ISSUES) {
    const named = issue.keys.slice(0, MAX_LISTED_ISSUES).map((key) => JSON.stringify(key));
    return `Unrecognized keys: ${named.join(", ")} and ${issue.keys.length - MAX_LISTED_ISSUES} more`;
  }
  if (issue.code !== "too_big" && issue.code !== "too_small") return issue.message;
  if (!/^Too (big|small):/.test(issue.message)) return issue.message;
  const bound = Number(issue.code === "too_big" ? issue.maximum : issue.minimum);
  const units = UNITS[issue.origin];
  if (units) {
    if (issue.code === "too_small" && bound === 1) {
      return issue.origin === "string"
        ? "must not be empty"
        : "must not be empty: give at least 1 item";
    }
    const unit = bound === 1 ? units[0] : units[1];
    return issue.code === "too_big" ? `at most ${bound} ${unit}` : `at least ${bound} ${unit}`;
  }
  const inclusive = issue.inclusive !== false;
  return issue.code === "too_big"
    ? `must be ${inclusive ? "at most" : "less than"} ${bound}`
    : `must be ${inclusive ? "at least" : "more than"} ${bound}`;
}
