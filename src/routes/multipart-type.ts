/**
 * Multipart requests with any Content-Type parameters. zod-openapi 1.6.3's media-type gate takes
 * `multipart/form-data` only alone or with `; boundary=…` after at most one space, and answers
 * anything else with 415: `multipart/form-data; charset=utf-8; boundary=…`, which some HTTP
 * clients send (RFC 7578 defines no parameter but the boundary), a boundary named in upper case,
 * two spaces. So the header is rewritten to the type and its boundary before any route reads it.
 * A quoted boundary with a space (RFC 2046 allows one) cannot be rewritten, since the body holds it:
 * its 415 says so.
 */

import type { MiddlewareHandler } from "hono";
import { Problem } from "../problem";
import { BODILESS_METHODS } from "./body-limits";

const MULTIPART = "multipart/form-data";

/**
 * The Content-Type to route a multipart request by: its type and boundary alone. Undefined when
 * the header is already that, or is not multipart/form-data.
 */
export function multipartContentType(header: string): string | undefined {
  return canonicalType(header, multipartBoundary(header));
}

function canonicalType(header: string, boundary: string | null | undefined): string | undefined {
  if (boundary === undefined) return undefined;
  const canonical = boundary === null ? MULTIPART : `${MULTIPART}; boundary=${boundary}`;
  return canonical === header ? undefined : canonical;
}

/**
 * A multipart Content-Type's boundary as written (null if none, or empty: `boundary=` delimits
 * nothing); undefined for another type.
 */
function multipartBoundary(header: string): string | null | undefined {
  const [type = "", ...parameters] = header.split(";").map((part) => part.trim());
  if (type.toLowerCase() !== MULTIPART) return undefined;
  const boundary = parameters.find((parameter) => /^boundary=/i.test(parameter));
  return boundary?.slice("boundary=".length) || null;
}

export function multipartTypes(): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("content-type");
    if (header === undefined || BODILESS_METHODS.has(c.req.method)) return next();
    const boundary = multipartBoundary(header);
    if (boundary?.includes(" ")) {
      throw new Problem(
        415,
        "unsupported-media-type",
        `the multipart boundary ${boundary} has a space, which this API does not take: use one of letters, digits and '()+_,-./:=? (as browsers and curl do)`,
      );
    }
    const canonical = canonicalType(header, boundary);
    if (canonical !== undefined) {
      // An incoming request's headers are immutable in workerd: the request is rebuilt.
      const headers = new Headers(c.req.raw.headers);
      headers.set("content-type", canonical);
      // `duplex` is what Node's fetch needs for a streamed body (workers-types does not declare it).
      c.req.raw = new Request(c.req.raw, { headers, duplex: "half" } as RequestInit);
    }
    return next();
  };
}
