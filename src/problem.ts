/**
 * RFC 9457 problem details. Every error the API returns is one of these, with a stable `type`
 * (documented in the README) and a human `detail`.
 */

import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export class Problem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    /** Stable slug; the `type` URI is `/problems/<slug>`. */
    readonly slug: string,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  toJSON() {
    return {
      type: `/problems/${this.slug}`,
      title: this.slug.replaceAll("-", " "),
      status: this.status,
      detail: this.detail,
      ...this.extensions,
    };
  }
}

export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem.toJSON()), problem.status, {
    "content-type": PROBLEM_CONTENT_TYPE,
  });
}
