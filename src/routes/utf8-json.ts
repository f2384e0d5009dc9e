/**
 * A JSON body must be UTF-8 (RFC 8259 §8.1). workerd's Request.json() decodes bytes that are not as
 * U+FFFD, so a Latin-1 "café" was stored as "caf\uFFFD", and two labels that differ only there became
 * one. The body is passed through a stream that checks its encoding as it is read (nothing is held):
 * the first invalid byte fails the read, and the request is answered 400 saying why (hono's JSON
 * validator would say "Malformed JSON" and nothing more).
 */

import type { MiddlewareHandler } from "hono";
import { Problem, problemResponse } from "../problem";
import { isJson, nonUtf8Charset } from "./body-form";
import { BODILESS_METHODS, drain } from "./body-limits";

/**
 * The body's bytes unchanged, failing with `onInvalid`'s problem at the first chunk that is not UTF-8,
 * once the rest of the body is read and dropped (body-limits.ts: so that the connection stays usable).
 */
function utf8Checked(
  body: ReadableStream<Uint8Array>,
  onInvalid: (problem: Problem) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let read = 0;
  const isUtf8 = (chunk?: Uint8Array) => {
    try {
      decoder.decode(chunk, { stream: chunk !== undefined });
      return true;
    } catch {
      return false;
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        if (isUtf8()) return controller.close();
      } else {
        read += value.byteLength;
        if (isUtf8(value)) return controller.enqueue(value);
        await drain(reader, undefined);
      }
      const problem = new Problem(
        400,
        "malformed-request",
        `the JSON body is not valid UTF-8 (an invalid byte within its first ${read} bytes): send it in UTF-8 (RFC 8259)`,
      );
      onInvalid(problem);
      controller.error(problem);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

export function utf8JsonBodies(): MiddlewareHandler {
  return async (c, next) => {
    const { body } = c.req.raw;
    const contentType = c.req.header("content-type");
    if (!body || BODILESS_METHODS.has(c.req.method) || !isJson(contentType)) return next();
    // JSON has no charset parameter (RFC 8259 §11); one naming another encoding is not read as UTF-8.
    const charset = nonUtf8Charset(contentType);
    if (charset !== undefined) {
      // Its body is left to bodyLimits, which reads to its end any body a route did not read.
      throw new Problem(
        415,
        "unsupported-media-type",
        `the JSON body declares charset=${charset}: send it in UTF-8 (RFC 8259), with no charset or charset=utf-8`,
      );
    }
    let invalid: Problem | undefined;
    const checked = utf8Checked(body, (problem) => {
      invalid = problem;
    });
    // `duplex` is what Node's fetch needs for a streamed body (workers-types does not declare it).
    c.req.raw = new Request(c.req.raw, { body: checked, duplex: "half" } as RequestInit);
    await next();
    if (invalid) c.res = problemResponse(c, invalid);
  };
}
