/**
 * A multipart body is taken whatever parameters its Content-Type carries besides the boundary
 * (some HTTP clients add `charset`), in any case and spacing; other types stay 415. Through the
 * real app in Node, on /v1/embed with the lexical backbone (no files, no wasm).
 */

import { beforeAll, describe, expect, it } from "vitest";
import { hashedNgrams } from "../../../models/lexical/hashed-ngrams";
import { createApp } from "../../../src/app";
import { multipartContentType } from "../../../src/routes/multipart-type";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";

let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const pool = new BackbonePool(await nodeHost());
  app = createApp(() => pool);
});

const BOUNDARY = "----edge42";
const TEXT = "a kitten sleeping";

function body(boundary = BOUNDARY): string {
  const part = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  return `${part("backbone", "lexical")}${part("inputs", TEXT)}--${boundary}--\r\n`;
}

function embed(contentType: string, payload = body()) {
  return Promise.resolve(
    app.request(
      "http://edge/v1/embed",
      { method: "POST", headers: { "content-type": contentType }, body: payload },
      { PUBLIC_EMBED: "true" },
    ),
  );
}

describe("multipart Content-Type parameters", () => {
  it.each([
    `multipart/form-data; boundary=${BOUNDARY}`,
    `multipart/form-data; charset=utf-8; boundary=${BOUNDARY}`,
    `multipart/form-data; boundary=${BOUNDARY}; charset=UTF-8`,
    `multipart/form-data;charset="utf-8";boundary="${BOUNDARY}"`,
    `Multipart/Form-Data;  BOUNDARY=${BOUNDARY}`,
  ])("takes %s", async (contentType) => {
    const response = await embed(contentType);
    expect(response.status).toBe(200);
    const { embeddings } = (await response.json()) as { embeddings: number[][] };
    expect(embeddings).toEqual([Array.from(hashedNgrams(TEXT))]);
  });

  it("still refuses other media types with 415", async () => {
    for (const contentType of [
      "text/plain",
      "multipart/mixed; boundary=x",
      "multipart/form-datax",
    ]) {
      const response = await embed(contentType);
      expect(response.status, contentType).toBe(415);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  // `boundary=` delimits nothing: it was a 415 saying to send multipart/form-data.
  it("answers an empty boundary as a missing one: 400", async () => {
    for (const contentType of ["multipart/form-data", "multipart/form-data; boundary="]) {
      const response = await embed(contentType);
      expect(response.status, contentType).toBe(400);
      expect(response.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  // It reached its schema as an array: "expected string, received array", though none was sent.
  it("says a field sent twice is sent more than once", async () => {
    const twice = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="backbone"\r\n\r\nlexical\r\n${body()}`;
    const response = await embed(`multipart/form-data; boundary=${BOUNDARY}`, twice);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toBe("backbone: sent more than once: send it once");
  });

  it("keeps the boundary alone, and leaves other types untouched", () => {
    expect(multipartContentType("multipart/form-data; charset=utf-8; boundary=ab")).toBe(
      "multipart/form-data; boundary=ab",
    );
    expect(multipartContentType('multipart/form-data; boundary="a:b"; charset=x')).toBe(
      'multipart/form-data; boundary="a:b"',
    );
    expect(multipartContentType("multipart/form-data; charset=utf-8")).toBe("multipart/form-data");
    expect(multipartContentType("multipart/form-data; boundary=ab")).toBeUndefined();
    expect(multipartContentType("application/json; charset=utf-8")).toBeUndefined();
  });
});

describe("415 details", () => {
  it("names what a route takes when the type is another", async () => {
    const response = await embed("text/plain");
    const problem = (await response.json()) as { detail: string };
    expect(problem.detail).toContain("application/json");
    expect(problem.detail).toContain("multipart/form-data");
  });

  // RFC 2046 lets a quoted boundary hold spaces; zod-openapi's gate does not take them, and the
  // boundary is in the body, so it cannot be rewritten: the 415 says so, not "Unsupported Media Type".
  it("says why a quoted boundary with a space is refused", async () => {
    const boundary = "edge 42";
    const response = await embed(`multipart/form-data; boundary="${boundary}"`, body(boundary));
    expect(response.status).toBe(415);
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe("/problems/unsupported-media-type");
    expect(problem.detail).toContain('boundary "edge 42"');
    expect(problem.detail).toContain("space");
  });
});
