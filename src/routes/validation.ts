import type { Hook, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { Problem } from "../problem";

/** zod-openapi's defaultHook: a request that fails its schema becomes a 422 problem naming the fields. */
export const validationProblem: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues = result.error.issues.flatMap((issue) => {
    if (result.target === "query" && issue.code === "unrecognized_keys") {
      return issue.keys.map((path) => ({ path, message: "not a query parameter of this route" }));
    }
    const path = issue.path.join(".");
    // A repeated query parameter reaches its schema as an array ("expected string, received array").
    const given = result.target === "query" ? (c.req.queries(path)?.length ?? 0) : 0;
    return {
      path,
      message: given > 1 ? `given ${given} times: give it once` : plainMessage(issue),
    };
  });
  const detail = issues.map((issue) => `${issue.path || "body"}: ${issue.message}`).join("; ");
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
