/**
 * A body limit on every route (hono/body-limit): the upload limit for the routes whose bodies carry
 * images (multipart files or base64), a small one for every JSON control route. A refused body is
 * cancelled rather than left half-read, so the connection it came on is not left with unread bytes.
 */

import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { LIMITS } from "../limits";
import { payloadTooLarge } from "./problems";

/** Paths of the routes that take images; every other route takes a control body. */
const UPLOAD_ROUTES = [
  /^\/v1\/embed\/?$/,
  /^\/v1\/adapters\/[^/]+\/samples\/?$/,
  /^\/v1\/adapters\/[^/]+\/predict\/?$/,
];

/** The body limit of a path, in bytes. */
export function bodyLimitOf(path: string): number {
  return UPLOAD_ROUTES.some((route) => route.test(path))
    ? LIMITS.maxBodyBytes
    : LIMITS.maxControlBodyBytes;
}

export function bodyLimits(): MiddlewareHandler {
  const upload = cancellingBodyLimit(LIMITS.maxBodyBytes);
  const control = cancellingBodyLimit(LIMITS.maxControlBodyBytes);
  return (c, next) =>
    bodyLimitOf(c.req.path) === LIMITS.maxBodyBytes ? upload(c, next) : control(c, next);
}

function cancellingBodyLimit(maxSize: number): MiddlewareHandler {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    // Sized bodies are refused from their Content-Length, before a byte is read; a streamed
    // (chunked) body is counted as it is read, through a relay whose source this keeps hold of.
    const { headers } = c.req.raw;
    const sized = headers.has("content-length") && !headers.has("transfer-encoding");
    const source = sized ? body : relayed(c, body);
    const limit = bodyLimit({
      maxSize,
      onError: async () => {
        await source.cancel("request body over the limit").catch(() => {});
        throw payloadTooLarge(maxSize);
      },
    });
    return limit(c, next);
  };
}

/**
 * Replaces the request's body with a stream that pulls from `body` on demand, and returns a handle
 * that cancels `body` itself (hono's reader then holds only the relay's lock).
 */
function relayed(
  c: Context,
  body: ReadableStream<Uint8Array>,
): { cancel(reason: string): Promise<void> } {
  const reader = body.getReader();
  const relay = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  // `duplex` is what Node's fetch needs for a streamed body (workers-types does not declare it).
  c.req.raw = new Request(c.req.raw, { body: relay, duplex: "half" } as RequestInit);
  return reader;
}
