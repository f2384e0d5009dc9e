/**
 * The problems every operation of the OpenAPI document may answer, whatever it does, added where
 * its route did not list them: the routes list what is theirs (404, 409, …), and a generated client
 * still learns that any of them can answer, say, 413 or 429. Added to the document rather than to
 * each route's config, whose responses also type the tenant API's typed client.
 */

import type { OpenAPIHono } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE } from "../problem";
import { PROBLEM_DESCRIPTIONS } from "./problems";

type Document = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type Operation = {
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: unknown;
  responses?: Record<string, unknown>;
};

/** JSON that does not parse or a query that is not UTF-8 (400), a body over the route's limit (413), a body or content type it does not take (415). */
const EVERY_OPERATION = [400, 413, 415] as const;
/** A missing, wrong or revoked credential (401), or a key or address over its rate limit (429). */
const AUTHENTICATED = [401, 429] as const;
/** Path parameters, a query or a body that fail their schema. */
const WITH_INPUT = [422] as const;

export function withCommonProblems(document: Document): Document {
  const problem = {
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
  };
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item ?? {}) as Operation[]) {
      if (typeof operation !== "object" || operation === null || !operation.responses) continue;
      const statuses: number[] = [
        ...EVERY_OPERATION,
        ...(operation.security?.length ? AUTHENTICATED : []),
        ...(operation.parameters?.length || operation.requestBody ? WITH_INPUT : []),
      ];
      for (const status of statuses) {
        operation.responses[status] ??= {
          description: PROBLEM_DESCRIPTIONS[status] ?? "Error",
          ...problem,
        };
      }
    }
  }
  return document;
}
