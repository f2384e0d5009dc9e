/**
 * ONNX backbones through the runtime layer on the Node host: the converted MobileNetV2 against the
 * tfjs one on real pictures, `auto` choosing and reporting a runtime, and a user's own ONNX model
 * served when it matches its manifest and refused with a clear problem when it does not.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode } from "fast-png";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BackboneManifest, decodeImage } from "../../../models";
import { onnxImageBackbone } from "../../../models/onnx-backbone";
import { createApp } from "../../../src/app";
import { IN_PROCESS_BINDINGS } from "../../../src/env";
import { BackbonePool } from "../../../src/runtime/backbones";
import { directoryFiles, type NodeHost, nodeHost } from "../../../src/runtime/node";
import {
  PROJECTION,
  tinyImageManifest,
  tinyImageModel,
} from "../../fixtures/onnx/tiny-image-backbone";
import { picturePng } from "../../fixtures/pictures";
import { cosine, maxAbsDifference } from "../models/helpers";

let host: NodeHost;
let pool: BackbonePool;

beforeAll(async () => {
  host = await nodeHost();
  // Both runtimes side by side, as no 128 MB isolate could hold them (src/runtime/residency.ts):
  // a Node process has no such limit, and the comparison is the point.
  pool = new BackbonePool(host, Number.POSITIVE_INFINITY);
});

const pictures = [0, 1, 2].map((seed) => ({
  kind: "image" as const,
  image: decodeImage(picturePng(120, 90, seed)),
}));

describe("mobilenet-v2-onnx", () => {
  it.each(["pooled", "block16", "block16-grid", "block12"])(
    "gives the tfjs embedding at cut layer %s",
    async (layer) => {
      const tfjs = await pool.embed("mobilenet-v2", pictures, layer);
      const onnx = await pool.embed("mobilenet-v2-onnx", pictures, layer);
      expect(onnx.dim).toBe(tfjs.dim);
      const worst = tfjs.embeddings.map((expected, i) => {
        const actual = onnx.embeddings[i] ?? new Float32Array();
        return { cosine: cosine(actual, expected), maxAbsDiff: maxAbsDifference(actual, expected) };
      });
      console.log(`mobilenet-v2-onnx vs mobilenet-v2 (${layer}):`, worst);
      for (const { cosine: c, maxAbsDiff } of worst) {
        expect(c).toBeGreaterThanOrEqual(0.9999);
        expect(maxAbsDiff).toBeLessThan(1e-4);
      }
    },
  );

  it("embeds at every cut layer in one run exactly as at each layer alone", async () => {
    const layers = ["pooled", "block16", "block16-grid", "block12"];
    const together = await pool.embedLayers("mobilenet-v2-onnx", pictures, layers);
    for (const [k, layer] of layers.entries()) {
      expect(together[k]).toEqual(
        (await pool.embed("mobilenet-v2-onnx", pictures, layer)).embeddings,
      );
    }
  });

  it("reports that it runs on onnx", () => {
    expect(pool.state("mobilenet-v2-onnx")).toMatchObject({ state: "ready", runtime: "onnx" });
  });
});

describe("mobilenet-v2-auto", () => {
  it("measures both runtimes at first load and reports the choice in GET /v1/backbones", async () => {
    const embedded = await pool.embed("mobilenet-v2-auto", pictures.slice(0, 1));
    expect(embedded.embeddings[0]).toHaveLength(1792);
    const response = await createApp(() => pool).request("/v1/backbones");
    const { backbones, runtime } = (await response.json()) as {
      backbones: { id: string; runtime: string; load: Record<string, unknown> }[];
      runtime: { runtimes: string[] };
    };
    expect(runtime.runtimes).toEqual(["tfjs-graph", "tfjs-layers", "onnx", "lexical"]);
    const auto = backbones.find((backbone) => backbone.id === "mobilenet-v2-auto");
    expect(auto?.runtime).toBe("auto");
    const load = auto?.load as { runtime: string; probeMs: Record<string, number> };
    expect(Object.keys(load.probeMs).sort()).toEqual(["onnx", "tfjs-graph"]);
    const fastest = Object.entries(load.probeMs).sort(([, a], [, b]) => a - b)[0]?.[0];
    expect(load.runtime).toBe(fastest);
  });
});

describe("a user's own ONNX image backbone", () => {
  let dir: string;
  const model = tinyImageModel();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "edge-adapt-byo-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The app serving only `manifest`, with `file` as its model.onnx. */
  async function serving(manifest: BackboneManifest, file: Uint8Array) {
    await writeFile(join(dir, "model.onnx"), file);
    const byoPool = new BackbonePool({
      ...host,
      backbones: { [manifest.id]: onnxImageBackbone(manifest) },
      modelFiles: () => directoryFiles(dir),
    });
    const app = createApp(() => byoPool);
    return (image: Uint8Array) =>
      app.request(
        "/v1/embed",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            backbone: manifest.id,
            inputs: [{ image: Buffer.from(image).toString("base64") }],
          }),
        },
        IN_PROCESS_BINDINGS,
      );
  }

  /** A flat-colour PNG: any crop and resize of it is that colour, so the model sees it exactly. */
  const rgb = [51, 102, 204];
  const flat = encode({
    width: 6,
    height: 5,
    channels: 3,
    depth: 8,
    data: Uint8Array.from({ length: 6 * 5 * 3 }, (_, i) => rgb[i % 3] ?? 0),
  });

  it("embeds through the manifest's preprocessing and returns the L2-normalised output", async () => {
    const embed = await serving(tinyImageManifest(model), model);
    const response = await embed(flat);
    expect(response.status).toBe(200);
    const { embeddings } = (await response.json()) as { embeddings: number[][] };
    const projected = [0, 1, 2, 3].map((j) =>
      rgb.reduce((sum, value, c) => sum + (value / 255) * (PROJECTION[c]?.[j] ?? 0), 0),
    );
    const norm = Math.hypot(...projected);
    const expected = projected.map((value) => value / norm);
    const actual = embeddings[0] ?? [];
    expect(actual).toHaveLength(4);
    for (const [j, value] of actual.entries()) {
      expect(value).toBeCloseTo(expected[j] ?? Number.NaN, 6);
    }
  });

  it("refuses a model whose signature differs from its manifest with a 503 naming the difference", async () => {
    const embed = await serving(tinyImageManifest(model, { inputShape: [-1, 8, 8, 3] }), model);
    const response = await embed(flat);
    expect(response.status).toBe(503);
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe("/problems/backbone-unavailable");
    expect(problem.detail).toContain(
      "input 'pixels' has shape [-1,4,4,3], manifest says [-1,8,8,3]",
    );
  });

  it("refuses a truncated model file", async () => {
    const truncated = model.subarray(0, model.byteLength - 20);
    const embed = await serving(tinyImageManifest(truncated), truncated);
    const problem = (await (await embed(flat)).json()) as { status: number; detail: string };
    expect(problem.status).toBe(503);
    expect(problem.detail).toContain(
      'backbone "tiny-image" could not be loaded: cannot load ONNX model',
    );
  });

  it("refuses a file that is not the one the manifest names", async () => {
    const embed = await serving(tinyImageManifest(model), new TextEncoder().encode("<html>"));
    const problem = (await (await embed(flat)).json()) as { status: number; detail: string };
    expect(problem.status).toBe(503);
    expect(problem.detail).toMatch(/model\.onnx has sha256 [0-9a-f]{64}, the manifest expects/);
  });
});
