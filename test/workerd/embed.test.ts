/**
 * /v1/embed inside workerd: the same vectors as the Node path, and a clear 4xx problem for every
 * kind of bad input, after which the isolate still serves.
 */

import { describe, expect, it } from "vitest";
import parity from "../fixtures/parity.json";
import { PARITY_INPUTS } from "../fixtures/parity-inputs";
import { picturePng, toBase64 } from "../fixtures/pictures";
import { worker } from "./worker";

function post(body: BodyInit, contentType?: string): Promise<Response> {
  const headers = contentType ? { "content-type": contentType } : undefined;
  return worker.fetch(new Request("http://edge/v1/embed", { method: "POST", headers, body }));
}

function postJson(body: unknown): Promise<Response> {
  return post(JSON.stringify(body), "application/json");
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  return Math.max(
    ...a.flatMap((row, i) => row.map((value, j) => Math.abs(value - (b[i]?.[j] ?? Number.NaN)))),
  );
}

describe("embed parity with Node", () => {
  for (const [backbone, inputs] of Object.entries(PARITY_INPUTS)) {
    it(`${backbone} returns the Node vectors`, async () => {
      const response = await postJson({ backbone, inputs });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        dim: number;
        normalization: string;
        embeddings: number[][];
      };
      expect(body.normalization).toBe("l2");
      expect(body.embeddings[0]).toHaveLength(body.dim);
      expect(
        maxAbsDiff(body.embeddings, parity[backbone as keyof typeof parity]),
      ).toBeLessThanOrEqual(1e-5);
    });
  }

  it("takes images as multipart files too", async () => {
    const form = new FormData();
    form.set("backbone", "mobilenet-v2");
    form.append("inputs", new Blob([picturePng(96, 72, 0)], { type: "image/png" }), "a.png");
    const response = await post(form);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { embeddings: number[][] };
    expect(maxAbsDiff(body.embeddings, parity["mobilenet-v2"].slice(0, 1))).toBeLessThanOrEqual(
      1e-5,
    );
  });
});

const png = picturePng(32, 32, 1);
const badInputs: [string, () => Promise<Response>, number, string][] = [
  [
    "unknown backbone",
    () => postJson({ backbone: "resnet-9000", inputs: ["hi"] }),
    404,
    "unknown-backbone",
  ],
  [
    "image for a text backbone",
    () => postJson({ backbone: "use-lite", inputs: [{ image: toBase64(png) }] }),
    422,
    "wrong-modality",
  ],
  [
    "text for an image backbone",
    () => postJson({ backbone: "mobilenet-v2", inputs: ["a cat"] }),
    422,
    "wrong-modality",
  ],
  [
    "truncated PNG",
    () => postJson({ backbone: "mobilenet-v2", inputs: [{ image: toBase64(png.slice(0, 60)) }] }),
    422,
    "corrupt-image",
  ],
  [
    "garbage after a JPEG signature",
    () =>
      postJson({
        backbone: "mobilenet-v2",
        inputs: [{ image: toBase64(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5])) }],
      }),
    422,
    "corrupt-image",
  ],
  [
    "GIF image",
    () =>
      postJson({
        backbone: "mobilenet-v2",
        inputs: [{ image: btoa("GIF89a\x01\x00\x01\x00\x00\x00\x00;") }],
      }),
    415,
    "unsupported-image-format",
  ],
  [
    "invalid base64",
    () => postJson({ backbone: "mobilenet-v2", inputs: [{ image: "not base64 at all!" }] }),
    422,
    "invalid-base64",
  ],
  ["empty text", () => postJson({ backbone: "use-lite", inputs: ["   "] }), 422, "empty-text"],
  [
    "too-long text",
    () => postJson({ backbone: "use-lite", inputs: ["x".repeat(2001)] }),
    422,
    "text-too-long",
  ],
  ["empty batch", () => postJson({ backbone: "use-lite", inputs: [] }), 422, "empty-batch"],
  [
    "oversized batch",
    () => postJson({ backbone: "use-lite", inputs: Array(33).fill("hi") }),
    413,
    "batch-too-large",
  ],
  [
    "oversized body",
    () => postJson({ backbone: "use-lite", inputs: ["x".repeat(17 * 1024 * 1024)] }),
    413,
    "payload-too-large",
  ],
  ["wrong content type", () => post("hello", "text/plain"), 415, "unsupported-media-type"],
  ["no body", () => post(""), 415, "unsupported-media-type"],
  ["malformed JSON", () => post("{ not json", "application/json"), 400, "malformed-request"],
  ["wrong types", () => postJson({ backbone: 7, inputs: "hi" }), 422, "invalid-request"],
];

describe("bad input", () => {
  it.each(badInputs)("%s → %i %s", async (_name, send, status, slug) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe(`/problems/${slug}`);
    expect(problem.detail.length).toBeGreaterThan(0);
  });

  it("leaves the isolate serving", async () => {
    const response = await worker.fetch(new Request("http://edge/healthz"));
    expect(response.status).toBe(200);
  });
});
