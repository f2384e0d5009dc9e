import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { Problem } from "../problem";

/** zod-openapi's defaultHook: a request that fails its schema becomes a 422 problem naming the fields. */
export const validationProblem: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (result.success) return;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.join("."),
    message: issue.message,
  }));
  const detail = issues.map((issue) => `${issue.path || "body"}: ${issue.message}`).join("; ");
  throw new Problem(422, "invalid-request", detail, { issues });
};
