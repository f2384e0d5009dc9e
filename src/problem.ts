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

  /** The standard members first; an extension of the same name cannot replace them. */
  toJSON() {
    const standard = {
      type: `/problems/${this.slug}`,
      title: this.slug.replaceAll("-", " "),
      status: this.status,
      detail: this.detail,
    };
    const extensions = Object.entries(this.extensions).filter(
      ([name]) => !Object.hasOwn(standard, name),
    );
    return { ...standard, ...Object.fromEntries(extensions) };
  }
}

export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem.toJSON()), problem.status, {
    "content-type": PROBLEM_CONTENT_TYPE,
  });
}

/** Longest id a problem's detail repeats back; a longer one is cut, so a detail stays small. */
export const MAX_ECHOED_ID = 64;

/** Characters that reorder or hide the text around them (bidi controls, zero-width ones). */
const UNSEEN = /[\p{Bidi_Control}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * An id from a request, quoted for a problem's detail (cut to MAX_ECHOED_ID characters with "…").
 * Characters that reorder or hide text are written as escapes: `abc\u202edef` was shown reversed.
 */
export function echoId(id: string): string {
  const characters = [...id];
  const shown =
    characters.length > MAX_ECHOED_ID ? `${characters.slice(0, MAX_ECHOED_ID).join("")}…` : id;
  return JSON.stringify(shown).replace(UNSEEN, (character) => {
    const codePoint = character.codePointAt(0) as number;
    const hex = codePoint.toString(16);
    return codePoint > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, "0")}`;
  });
}
