/**
 * A JSON body must be UTF-8 (RFC 8259 §8.1). Bytes that are not were decoded as U+FFFD: a Latin-1
 * "café" was stored as "caf\uFFFD", and two labels that differ only there became one. Through the
 * real app in Node, on /v1/embed with the lexical backbone (no files, no wasm).
 */

import { beforeAll, describe, expect, it } from "vitest";
import { hashedNgrams } from "../../../models/lexical/hashed-ngrams";
import { createApp } from "../../../src/app";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";

let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const pool = new BackbonePool(await nodeHost());
  app = createApp(() => pool);
});

const latin1 = (text: string) => Uint8Array.from(text, (character) => character.charCodeAt(0));
const utf8 = (text: string) => new TextEncoder().encode(text);

/** The bytes as a stream of the given chunks (as a chunked request delivers them). */
function chunked(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const ends = [...cuts, bytes.length];
  return new ReadableStream({
    start(controller) {
      ends.reduce((start, end) => {
        controller.enqueue(bytes.slice(start, end));
        return end;
      }, 0);
      controller.close();
    },
  });
}

function embed(body: BodyInit, contentType = "application/json") {
  return Promise.resolve(
    app.request(
      "http://edge/v1/embed",
      {
        method: "POST",
        headers: { "content-type": contentType },
        body,
        duplex: "half",
      } as RequestInit,
      { PUBLIC_EMBED: "true" },
    ),
  );
}

const body = (text: string) => JSON.stringify({ backbone: "lexical", inputs: [text] });

describe("JSON bodies that are not UTF-8", () => {
  it.each([
    ["Latin-1", latin1(body("café"))],
    [
      "a lone continuation byte",
      Uint8Array.from([...utf8(body("caf")).slice(0, -3), 0x80, ...utf8('"]}')]),
    ],
    ["a truncated sequence at the end", Uint8Array.from([...utf8(body("x")), 0xc3])],
    [
      "an overlong encoding",
      Uint8Array.from([...utf8(body("")).slice(0, -3), 0xc0, 0xaf, ...utf8('"]}')]),
    ],
  ])("refuses %s with 400, saying so", async (_, bytes) => {
    for (const request of [bytes, chunked(bytes, [7, 20])]) {
      const response = await embed(request);
      expect(response.status).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      const problem = (await response.json()) as { type: string; detail: string };
      expect(problem.type).toBe("/problems/malformed-request");
      expect(problem.detail).toContain("UTF-8");
    }
  });

  it("takes UTF-8, also with a character split between two chunks", async () => {
    const bytes = utf8(body("café au lait"));
    const split = bytes.indexOf(0xc3) + 1;
    for (const request of [bytes, chunked(bytes, [split])]) {
      const response = await embed(request, "application/json; charset=utf-8");
      expect(response.status).toBe(200);
      const { embeddings } = (await response.json()) as { embeddings: number[][] };
      expect(embeddings).toEqual([Array.from(hashedNgrams("café au lait"))]);
    }
  });
});

// `charset=ebcdic` was read as UTF-8 and the request acted on (a training started).
describe("JSON bodies that declare another charset", () => {
  it.each(["ebcdic", "ISO-8859-1", '"utf-16"'])("refuses charset=%s with 415", async (charset) => {
    const response = await embed(utf8(body("x")), `application/json; charset=${charset}`);
    expect(response.status).toBe(415);
    expect(((await response.json()) as { type: string }).type).toBe(
      "/problems/unsupported-media-type",
    );
  });

  // The control routes took a +json type; the upload routes answered it 415.
  it("takes a +json media type as JSON", async () => {
    const response = await embed(utf8(body("x")), "application/vnd.api+json");
    expect(response.status).toBe(200);
  });

  it.each(["utf-8", "UTF8", '"UTF-8"'])("takes charset=%s", async (charset) => {
    const response = await embed(utf8(body("x")), `application/json; charset=${charset}`);
    expect(response.status).toBe(200);
  });
});
