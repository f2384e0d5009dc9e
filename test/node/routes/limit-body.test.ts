import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { Problem, problemResponse } from "../../../src/problem";
import { limitBody } from "../../../src/routes/body-form";

const LIMIT = 1_000;
const CHUNK = 100;

/** An app whose one route echoes the body's length behind `limitBody(LIMIT)`. */
function app() {
  return new Hono()
    .onError((error, c) => {
      if (error instanceof Problem) return problemResponse(c, error);
      throw error;
    })
    .post("/", limitBody(LIMIT), async (c) =>
      c.text(String((await c.req.arrayBuffer()).byteLength)),
    );
}

/** A chunked body of `total` bytes that records how much of it the server pulled. */
function chunkedBody(total: number) {
  const pulled = { bytes: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.bytes >= total) return controller.close();
      const size = Math.min(CHUNK, total - pulled.bytes);
      pulled.bytes += size;
      controller.enqueue(new Uint8Array(size));
    },
    cancel() {
      pulled.cancelled = true;
    },
  });
  return { stream, pulled };
}

function post(body: ReadableStream<Uint8Array>) {
  return app().request("/", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("limitBody", () => {
  it("passes a body within the limit through whole", async () => {
    const { stream } = chunkedBody(LIMIT);
    const response = await post(stream);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(String(LIMIT));
  });

  it("refuses a chunked body over the limit, having read the rest of it", async () => {
    const { stream, pulled } = chunkedBody(LIMIT + 5 * CHUNK);
    const response = await post(stream);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ type: "/problems/payload-too-large" });
    expect(pulled).toEqual({ bytes: LIMIT + 5 * CHUNK, cancelled: false });
  });

  it("reads at most the limit again, then cancels the body", async () => {
    const { stream, pulled } = chunkedBody(10 * LIMIT);
    const response = await post(stream);
    expect(response.status).toBe(413);
    expect(pulled.cancelled).toBe(true);
    // The limit, the limit again, and what the streams in between buffer; far from all of it.
    expect(pulled.bytes).toBeLessThan(3 * LIMIT);
  });

  it("refuses by Content-Length without reading the body", async () => {
    const { stream, pulled } = chunkedBody(2 * LIMIT);
    const response = await app().request("/", {
      method: "POST",
      body: stream,
      duplex: "half",
      headers: { "content-length": String(2 * LIMIT) },
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(pulled.bytes).toBeLessThanOrEqual(CHUNK);
  });
});
