import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Problem } from "../problem";
import { bodyTooLarge } from "./problems";

/**
 * Routes that take JSON or multipart get both validated targets from zod-openapi, typed as either
 * shape, but only the one matching the request's content type was checked (the other is empty).
 * This returns the checked one with its type, and refuses a request that declared neither.
 */
export function chooseBody<J extends object, F extends object>(
  contentType: string | undefined,
  json: J | F,
  form: J | F,
): { kind: "json"; json: J } | { kind: "form"; form: F } {
  if (contentType?.includes("multipart/form-data")) return { kind: "form", form: form as F };
  if (contentType?.includes("application/json") && Object.keys(json).length > 0) {
    return { kind: "json", json: json as J };
  }
  throw new Problem(415, "unsupported-media-type", "send application/json or multipart/form-data");
}

/**
 * hono's body limit, except that a body refused part-way is read to its end (at most `maxSize`
 * more bytes) before the 413 goes out. A chunked body refused mid-stream otherwise leaves its rest
 * on the connection, and wrangler dev's proxy (`npm start`) reuses that broken connection: the next
 * POST gets 503 "Your worker restarted mid-request", and a GET waits for another request.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const limit = bodyLimit({ maxSize, onError: bodyTooLarge });
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return limit(c, next);
    const reader = body.getReader();
    let read = "nothing" as "nothing" | "part" | "all";
    const watched = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const chunk = await reader.read();
          if (chunk.done) {
            read = "all";
            controller.close();
          } else {
            read = "part";
            controller.enqueue(chunk.value);
          }
        },
        cancel: (reason) => reader.cancel(reason),
      },
      // Read only when asked, so no read of ours is pending when the drain starts.
      { highWaterMark: 0 },
    );
    // Node requires `duplex` with a stream body (and workers-types lacks it); workerd ignores it.
    c.req.raw = new Request(c.req.raw, { body: watched, duplex: "half" } as RequestInit);
    try {
      return await limit(c, next);
    } finally {
      // A body refused before any of it was read (by its Content-Length) leaves nothing behind.
      if (read === "part") await drain(reader, maxSize);
    }
  };
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number) {
  try {
    for (let drained = 0; drained <= maxBytes; ) {
      const chunk = await reader.read();
      if (chunk.done) return;
      drained += chunk.value.length;
    }
    await reader.cancel();
  } catch {
    // The client went away: there is nothing left to drain.
  }
}
