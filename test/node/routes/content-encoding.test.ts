/**
 * A request body in a content coding (`Content-Encoding: gzip`, `br`, …) is refused with 415 and
 * `Accept-Encoding: identity` (RFC 9110 §15.5.16), not read as if it were plain: a gzip body was
 * answered "Malformed JSON", and a plain body labelled gzip was taken. Through the real app in Node,
 * on /v1/embed with the lexical backbone (no files, no wasm).
 */

import { gzipSync } from "node:zlib";
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

const TEXT = "a kitten sleeping";
const JSON_BODY = JSON.stringify({ backbone: "lexical", inputs: [TEXT] });

function embed(headers: Record<string, string>, body: BodyInit = JSON_BODY) {
  return Promise.resolve(
    app.request(
      "http://edge/v1/embed",
      { method: "POST", headers: { "content-type": "application/json", ...headers }, body },
      { PUBLIC_EMBED: "true" },
    ),
  );
}

describe("request Content-Encoding", () => {
  it.each([
    ["gzip", gzipSync(JSON_BODY)],
    ["gzip", JSON_BODY],
    ["br", JSON_BODY],
    ["deflate, identity", JSON_BODY],
    ["x-unknown", JSON_BODY],
  ])("refuses %s with 415 and Accept-Encoding: identity", async (coding, body) => {
    const response = await embed({ "content-encoding": coding }, body);
    expect(response.status).toBe(415);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(response.headers.get("accept-encoding")).toBe("identity");
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe("/problems/unsupported-media-type");
    expect(problem.detail).toContain(`Content-Encoding ${coding}`);
  });

  it.each(["identity", "Identity", ""])(
    "takes a body in the identity coding (%j)",
    async (coding) => {
      const response = await embed({ "content-encoding": coding });
      expect(response.status).toBe(200);
      const { embeddings } = (await response.json()) as { embeddings: number[][] };
      expect(embeddings).toEqual([Array.from(hashedNgrams(TEXT))]);
    },
  );

  it("leaves requests without a body alone", async () => {
    const response = await app.request("http://edge/healthz", {
      headers: { "content-encoding": "gzip" },
    });
    expect(response.status).toBe(200);
  });
});
