import { z } from "@hono/zod-openapi";
import { PROBLEM_CONTENT_TYPE, Problem } from "../problem";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/unknown-backbone" }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
  })
  .passthrough()
  .openapi("Problem");

export const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Malformed request",
  401: "Missing, wrong or revoked credentials",
  404: "Not found",
  409: "Conflict",
  413: "A size limit was exceeded (named in the detail)",
  415: "Unsupported content type or image format",
  422: "The request is well-formed but invalid",
  429: "Rate limit reached; see Retry-After",
  503: "Not available right now (the detail says what); try again",
};

/** OpenAPI response entries for the problems a route may answer. */
export function problemResponses<S extends number>(statuses: readonly S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEM_DESCRIPTIONS[status] ?? "Error",
        content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } },
      },
    ]),
  ) as Record<
    S,
    { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof ProblemSchema } } }
  >;
}

/** 413 naming the body limit of the route. */
export function payloadTooLarge(limit: number): Problem {
  return new Problem(
    413,
    "payload-too-large",
    `the request body exceeds this route's limit of ${limit} bytes`,
    { limit },
  );
}
