/**
 * A query string must be percent-encoded UTF-8. Hono reads a value that is not (`?label=%FF`, or
 * `%ED%A0%80`, a lone surrogate's bytes) as its raw text, so `DELETE …/samples?label=%FF` deleted the
 * label literally named "%FF", and a Latin-1 `%E9` for "é" matched nothing. Such a query is a 400.
 */

import type { MiddlewareHandler } from "hono";
import { Problem } from "../problem";

/** The first `name=value` of `query` that does not decode, or undefined when all do. */
export function undecodableParameter(query: string): string | undefined {
  return query.split("&").find((parameter) => {
    try {
      decodeURIComponent(parameter.replaceAll("+", " "));
      return false;
    } catch {
      return true;
    }
  });
}

export function wellFormedQueries(): MiddlewareHandler {
  return async (c, next) => {
    // The raw query as sent (no URL parse on every request; a request carries no fragment).
    const url = c.req.url;
    const start = url.indexOf("?");
    const bad = start === -1 ? undefined : undecodableParameter(url.slice(start + 1));
    if (bad !== undefined) {
      const name = bad.split("=", 1)[0] ?? "";
      throw new Problem(
        400,
        "malformed-request",
        `query parameter ${JSON.stringify(name.slice(0, 64))} is not percent-encoded UTF-8: encode its bytes as UTF-8 (é is %C3%A9)`,
      );
    }
    await next();
  };
}
