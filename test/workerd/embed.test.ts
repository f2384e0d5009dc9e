/**
 * /v1/embed inside workerd: the same vectors as the Node path, and a clear 4xx problem for every
 * kind of bad input, after which the isolate still serves.
 */

import { env } from "cloudflare:workers";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { inceptionV3 } from "../../models/inception-v3";
import type { Bindings } from "../../src/env";
import { BackbonePool } from "../../src/runtime/backbones";
import { BUNDLED_TFJS } from "../../src/runtime/deployments/bundled-tfjs";
import { workerdHost } from "../../src/runtime/workerd";
import parity from "../fixtures/parity.json";
import { PARITY_INPUTS, parityEmbeddings } from "../fixtures/parity-inputs";
import { picturePng, toBase64 } from "../fixtures/pictures";
import { worker } from "./worker";

const ADMIN = { authorization: `Bearer ${(env as { ADMIN_TOKEN: string }).ADMIN_TOKEN}` };

function post(body: BodyInit, contentType?: string): Promise<Response> {
  const headers = contentType ? { ...ADMIN, "content-type": contentType } : ADMIN;
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
  // Refused by /v1/embed (its weights take over an isolate's share of memory while loading), so
  // its runtime is compared on the isolate's pool itself.
  it("inception-v3 computes the Node vectors", async () => {
    const assets = (env as unknown as Bindings).ASSETS;
    const pool = new BackbonePool(
      workerdHost(assets, { backbones: [inceptionV3], engines: BUNDLED_TFJS }),
    );
    expect(
      maxAbsDiff(await parityEmbeddings(pool, "inception-v3"), parity["inception-v3"]),
    ).toBeLessThanOrEqual(1e-5);
  });

  // mobilenet-v2-onnx is compared in onnx.test.ts, an isolate of its own: here the tfjs backbones
  // run first, and their heap leaves onnxruntime's no room (src/runtime/residency.ts).
  const served = Object.entries(PARITY_INPUTS).filter(
    ([backbone]) => backbone !== "inception-v3" && backbone !== "mobilenet-v2-onnx",
  );
  for (const [backbone, inputs] of served) {
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

    // The same form with a charset parameter, as some clients send it (the request is rebuilt).
    const encoded = new Request("http://edge", { method: "POST", body: form });
    const withCharset = (encoded.headers.get("content-type") ?? "").replace(
      "multipart/form-data;",
      "multipart/form-data; charset=utf-8;",
    );
    expect(withCharset).toMatch(/^multipart\/form-data; charset=utf-8; boundary=/);
    const again = await post(await encoded.arrayBuffer(), withCharset);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { embeddings: number[][] }).embeddings).toEqual(
      body.embeddings,
    );
  });
});

/** A smooth picture (red across, green down) as a baseline JPEG, at any size. */
function gradientJpeg(width: number, height: number): string {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      rgba.set([(x * 255) / width, (y * 255) / height, 96, 255], (y * width + x) * 4);
    }
  }
  return toBase64(new Uint8Array(jpeg.encode({ width, height, data: rgba }, 90).data));
}

describe("a photo over the pixel limit", () => {
  it("is decoded reduced, by the wasm decoder the worker installs, and embeds as its smaller copy", async () => {
    // 1600×1200 decodes at 1/4 (400×300); the smaller copy is the same picture encoded at that size.
    const response = await postJson({
      backbone: "mobilenet-v2",
      inputs: [{ image: gradientJpeg(1600, 1200) }, { image: gradientJpeg(400, 300) }],
    });
    expect(response.status).toBe(200);
    const [large, small] = ((await response.json()) as { embeddings: number[][] }).embeddings;
    const cosine = (large ?? []).reduce((sum, value, i) => sum + value * (small?.[i] ?? 0), 0);
    expect(cosine).toBeGreaterThan(0.98);
  });
});

describe("embed with a fusion", () => {
  it("returns each part's vector side by side, as the parts embed alone", async () => {
    const inputs = PARITY_INPUTS["use-lite"];
    const response = await postJson({ backbone: "lexical+use-lite", inputs });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      backbone: string;
      layer: string;
      dim: number;
      blocks: number[];
      embeddings: number[][];
    };
    const lexical = (await (await postJson({ backbone: "lexical", inputs })).json()) as {
      dim: number;
      embeddings: number[][];
    };
    expect(body.backbone).toBe("lexical+use-lite");
    expect(body.blocks).toEqual([lexical.dim, body.dim - lexical.dim]);
    const joined = lexical.embeddings.map((row, i) => [...row, ...(parity["use-lite"][i] ?? [])]);
    expect(maxAbsDiff(body.embeddings, joined)).toBeLessThanOrEqual(1e-5);
  });

  it("refuses a layer next to a fusion, which names its layers in its id", async () => {
    const response = await postJson({ backbone: "lexical+use-lite", layer: "x", inputs: ["hi"] });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { type: string }).type).toBe("/problems/invalid-fusion");
  });
});

describe("backbones whose wasm heaps do not fit an isolate together", () => {
  it("serves concurrent requests that alternate between them", async () => {
    // use-lite (52 MB) and MobileNetV2 (89 MB) take turns in the isolate (src/runtime/residency.ts):
    // a request waiting for the other's room must not be taken by workerd for a hung one.
    const text = { backbone: "use-lite", inputs: ["a late goal won the match"] };
    const image = {
      backbone: "mobilenet-v2",
      inputs: [{ image: toBase64(picturePng(48, 48, 3)) }],
    };
    for (let round = 0; round < 2; round++) {
      const responses = await Promise.all(
        [text, image, text, image, text, image, text, image].map(postJson),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
      const [first, , third] = (await Promise.all(
        responses.map((response) => response.json()),
      )) as { embeddings: number[][] }[];
      expect(third?.embeddings).toEqual(first?.embeddings);
    }
  });

  it("serves concurrent first requests that wait for one load of a backbone", async () => {
    for (const [unloads, loads] of [
      ["mobilenet-v2", "use-lite"],
      ["use-lite", "mobilenet-v2"],
    ] as const) {
      const image = [{ image: toBase64(picturePng(48, 48, 4)) }];
      const inputs = (backbone: string) =>
        backbone === "use-lite" ? ["a kitten sleeping"] : image;
      expect((await postJson({ backbone: unloads, inputs: inputs(unloads) })).status).toBe(200);
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => postJson({ backbone: loads, inputs: inputs(loads) })),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(8).fill(200));
    }
  });
});

const png = picturePng(32, 32, 1);
interface BadInput {
  name: string;
  status: number;
  slug: string;
  send: () => Promise<Response>;
}

const embedJson = (backbone: unknown, inputs: unknown) => () => postJson({ backbone, inputs });
const embedImage = (bytes: Uint8Array) => embedJson("mobilenet-v2", [{ image: toBase64(bytes) }]);

const badInputs: BadInput[] = [
  {
    name: "unknown backbone",
    status: 404,
    slug: "unknown-backbone",
    send: embedJson("resnet-9000", ["hi"]),
  },
  {
    name: "image for a text backbone",
    status: 422,
    slug: "wrong-modality",
    send: embedJson("use-lite", [{ image: toBase64(png) }]),
  },
  {
    name: "text for an image backbone",
    status: 422,
    slug: "wrong-modality",
    send: embedJson("mobilenet-v2", ["a cat"]),
  },
  { name: "truncated PNG", status: 422, slug: "corrupt-image", send: embedImage(png.slice(0, 60)) },
  {
    name: "garbage after a JPEG signature",
    status: 422,
    slug: "corrupt-image",
    send: embedImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5])),
  },
  {
    name: "GIF image",
    status: 415,
    slug: "unsupported-image-format",
    send: embedImage(new TextEncoder().encode("GIF89a\x01\x00\x01\x00;")),
  },
  {
    name: "invalid base64",
    status: 422,
    slug: "invalid-base64",
    send: embedJson("mobilenet-v2", [{ image: "not base64 at all!" }]),
  },
  { name: "empty text", status: 422, slug: "empty-text", send: embedJson("use-lite", ["   "]) },
  {
    name: "too-long text",
    status: 422,
    slug: "text-too-long",
    send: embedJson("use-lite", ["x".repeat(2001)]),
  },
  { name: "empty batch", status: 422, slug: "empty-batch", send: embedJson("use-lite", []) },
  {
    name: "oversized batch",
    status: 413,
    slug: "batch-too-large",
    send: embedJson("use-lite", Array(33).fill("hi")),
  },
  {
    name: "oversized body",
    status: 413,
    slug: "payload-too-large",
    send: embedJson("use-lite", ["x".repeat(17 * 1024 * 1024)]),
  },
  {
    name: "wrong content type",
    status: 415,
    slug: "unsupported-media-type",
    send: () => post("hello", "text/plain"),
  },
  { name: "no body", status: 415, slug: "unsupported-media-type", send: () => post("") },
  {
    name: "malformed JSON",
    status: 400,
    slug: "malformed-request",
    send: () => post("{ not json", "application/json"),
  },
  {
    name: "fusion of an image and a text backbone",
    status: 422,
    slug: "invalid-fusion",
    send: embedJson("mobilenet-v2+use-lite", ["hi"]),
  },
  {
    name: "fusion with an unknown part",
    status: 404,
    slug: "unknown-backbone",
    send: embedJson("lexical+resnet-9000", ["hi"]),
  },
  { name: "wrong types", status: 422, slug: "invalid-request", send: embedJson(7, "hi") },
];

describe("bad input", () => {
  it.each(badInputs)("$name → $status $slug", async ({ status, slug, send }) => {
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe(`/problems/${slug}`);
    expect(problem.detail.length).toBeGreaterThan(0);
  });

  it("embeds a text over the limit cut to its first 2,000 characters when ?truncate=true", async () => {
    const embedded = async (texts: string[], query = "") => {
      const response = await worker.fetch(
        new Request(`http://edge/v1/embed${query}`, {
          method: "POST",
          headers: { ...ADMIN, "content-type": "application/json" },
          body: JSON.stringify({ backbone: "lexical", inputs: texts }),
        }),
      );
      expect(response.status).toBe(200);
      return ((await response.json()) as { embeddings: number[][] }).embeddings;
    };
    const kept = "word ".repeat(400);
    const [cut] = await embedded([`${kept}and more words after the limit`], "?truncate=true");
    expect(cut).toEqual((await embedded([kept]))[0]);
  });

  it("leaves the isolate serving", async () => {
    const response = await worker.fetch(new Request("http://edge/healthz"));
    expect(response.status).toBe(200);
  });
});
