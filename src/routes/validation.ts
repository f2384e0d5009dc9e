import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { Problem } from "../problem";

/** zod-openapi's defaultHook: a request that fails its schema becomes a 422 problem naming the fields. */
export const validationProblem: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path.join(".");
    // A repeated query parameter reaches its schema as an array ("expected string, received array").
    const given = result.target === "query" ? (c.req.queries(path)?.length ?? 0) : 0;
    return { path, message: given > 1 ? `given ${given} times: give it once` : issue.message };
  });
  const detail = issues.map((issue) => `${issue.path || "body"}: ${issue.message}`).join("; ");
  throw new Problem(422, "invalid-request", detail, { issues });
};
