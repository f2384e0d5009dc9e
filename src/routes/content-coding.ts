/**
 * Request bodies are taken in the identity coding only. Nothing here decodes a content coding, so a
 * gzip body would be read as its compressed bytes ("Malformed JSON"), and a plain body labelled gzip
 * taken as if unlabelled; decoding one would also let a body inflate far past its route's limit,
 * which counts the bytes sent. So any other coding is refused with 415 and `Accept-Encoding:
 * identity` (RFC 9110 §15.5.16), and its body is dropped like any refused body (body-limits.ts).
 */

import type { MiddlewareHandler } from "hono";
import { Problem, problemResponse } from "../problem";
import { BODILESS_METHODS } from "./body-limits";

/** The codings of a Content-Encoding header other than identity, in order. */
function nonIdentityCodings(header: string): string[] {
  return header
    .split(",")
    .map((coding) => coding.trim())
    .filter((coding) => coding !== "" && coding.toLowerCase() !== "identity");
}

export function identityBodiesOnly(): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header("content-encoding");
    if (header === undefined || !c.req.raw.body || BODILESS_METHODS.has(c.req.method)) {
      return next();
    }
    if (nonIdentityCodings(header).length === 0) return next();
    c.header("accept-encoding", "identity");
    return problemResponse(
      c,
      new Problem(
        415,
        "unsupported-media-type",
        `Content-Encoding ${header} is not accepted: send the body uncompressed (identity)`,
      ),
    );
  };
}
