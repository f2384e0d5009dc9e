/**
 * A body limit on every route (hono/body-limit): the upload limit for the routes whose bodies carry
 * images (multipart files or base64), a small one for every JSON control route.
 *
 * No request leaves unread bytes on its connection: workerd closes a connection whose request body
 * was not read to its end, and a client that reuses it then fails its next request. So a refused
 * body is read to its end and dropped (up to MAX_DRAINED_BYTES; a bigger one is cancelled, closing
 * that connection), and so is a body the route answered without reading (a 401, a 404).
 */

import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { LIMITS } from "../limits";
import { Problem, problemResponse } from "../problem";
import { payloadTooLarge } from "./problems";

/** Paths of the routes that take images; every other route takes a control body. */
const UPLOAD_ROUTES = [
  /^\/v1\/embed\/?$/,
  /^\/v1\/adapters\/[^/]+\/samples\/?$/,
  /^\/v1\/adapters\/[^/]+\/predict\/?$/,
];

/**
 * The most of a refused body read (and dropped) to keep its connection; beyond, it is cancelled.
 * Cloudflare's own limit on a request body (100 MB on the Free and Pro plans), so that no body the
 * edge lets through leaves its connection broken. Reading costs the client's bandwidth, not memory
 * (each chunk is dropped) nor much CPU. Under wrangler's dev proxy a cancelled body broke the next
 * request on the proxy's pooled connection (a 503, or a GET that hung).
 */
export const MAX_DRAINED_BYTES = 100 * 1024 * 1024;

/** Methods whose Request cannot carry a body (workerd refuses to build one), and no route reads. */
export const BODILESS_METHODS = new Set(["GET", "HEAD"]);

/** The body limit of a path, in bytes. */
export function bodyLimitOf(path: string): number {
  return UPLOAD_ROUTES.some((route) => route.test(path))
    ? LIMITS.maxBodyBytes
    : LIMITS.maxControlBodyBytes;
}

export function bodyLimits(): MiddlewareHandler {
  const upload = drainingBodyLimit(LIMITS.maxBodyBytes);
  const control = drainingBodyLimit(LIMITS.maxControlBodyBytes);
  return (c, next) =>
    bodyLimitOf(c.req.path) === LIMITS.maxBodyBytes ? upload(c, next) : control(c, next);
}

function drainingBodyLimit(maxSize: number): MiddlewareHandler {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    // Sized bodies are refused from their Content-Length, before a byte is read; a streamed
    // (chunked) body is counted as it is read, through a relay whose source this keeps hold of.
    const { headers } = c.req.raw;
    const length = headers.has("transfer-encoding") ? null : headers.get("content-length");
    const declared = length === null ? undefined : Number(length);
    // A GET's body cannot go through the relay below (a new GET Request with a body is refused: a
    // 500), and no route reads it: it is read and dropped first, within the limit.
    if (BODILESS_METHODS.has(c.req.method)) {
      if ((await drain(body.getReader(), declared)) > maxSize) throw payloadTooLarge(maxSize);
      return next();
    }
    const relay = length === null ? relayed(c, body) : undefined;
    const source = relay?.source ?? (() => body.getReader());
    const limit = bodyLimit({
      maxSize,
      onError: async () => {
        await drain(source(), declared);
        throw payloadTooLarge(maxSize);
      },
    });
    await limit(c, next);
    // Whatever the route made of a body cut short (a parser's own error), the client hears why.
    const unread = relay?.failure();
    if (unread) c.res = problemResponse(c, unread);
    const { raw } = c.req;
    if (raw.body && !raw.bodyUsed && !raw.body.locked) await drain(raw.body.getReader(), undefined);
  };
}

/**
 * Reads the rest of a body and drops it, or cancels it when it is (or turns out) too big. Answers
 * the bytes read, or Infinity when it was cancelled.
 */
export async function drain(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  declaredBytes: number | undefined,
): Promise<number> {
  try {
    if (declaredBytes !== undefined && declaredBytes > MAX_DRAINED_BYTES) {
      await reader.cancel("request body over the limit");
      return Number.POSITIVE_INFINITY;
    }
    let drained = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return drained;
      drained += value.byteLength;
      if (drained > MAX_DRAINED_BYTES) {
        await reader.cancel("request body over the limit");
        return Number.POSITIVE_INFINITY;
      }
    }
  } catch {
    // The client went away: nothing is left to keep.
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Replaces the request's body with a stream that pulls from `body` on demand (hono's reader then
 * holds only the relay's lock), and returns the source's reader for draining, and why the body could
 * not be read to its end, if it could not (a chunked body cut short or malformed: the read fails).
 */
function relayed(c: Context, body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  let failure: Problem | undefined;
  // No queue (highWaterMark 0): the relay reads only when it is read, so it has no read pending
  // when the limit is hit. workerd's request body takes one pending read at a time, and the drain's
  // read beside a pending one threw, leaving the rest of the body on the connection.
  const relay = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (error) {
          failure = unreadableBody(error);
          controller.error(failure);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  // `duplex` is what Node's fetch needs for a streamed body (workers-types does not declare it).
  c.req.raw = new Request(c.req.raw, { body: relay, duplex: "half" } as RequestInit);
  return { source: () => reader, failure: () => failure };
}

function unreadableBody(error: unknown): Problem {
  const reason = error instanceof Error ? error.message : String(error);
  return new Problem(
    400,
    "malformed-request",
    `the request body could not be read to its end (${reason}): a chunked body must end with its last, empty chunk`,
  );
}
