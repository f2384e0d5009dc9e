/**
 * The ONNX MobileNetV2 inside workerd: onnxruntime-web started from the bundled wasm module gives
 * the Node vectors (test/fixtures/parity.json), agrees with the tfjs backbone, and is reported as
 * running on onnx.
 */

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import parity from "../fixtures/parity.json";
import { PARITY_INPUTS } from "../fixtures/parity-inputs";
import { worker } from "./worker";

const BACKBONE = "mobilenet-v2-onnx";

async function embed(backbone: string, layer?: string): Promise<number[][]> {
  const response = await worker.fetch(
    new Request("http://edge/v1/embed", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${(env as { ADMIN_TOKEN: string }).ADMIN_TOKEN}`,
      },
      body: JSON.stringify({ backbone, layer, inputs: PARITY_INPUTS[BACKBONE] }),
    }),
  );
  expect(response.status).toBe(200);
  return ((await response.json()) as { embeddings: number[][] }).embeddings;
}

function maxAbsDiff(a: number[][], b: number[][]): number {
  return Math.max(
    ...a.flatMap((row, i) => row.map((value, j) => Math.abs(value - (b[i]?.[j] ?? Number.NaN)))),
  );
}

describe("ONNX MobileNetV2 in workerd", () => {
  it("returns the Node vectors, and the tfjs backbone's to float32 rounding", async () => {
    const onnx = await embed(BACKBONE);
    expect(maxAbsDiff(onnx, parity[BACKBONE])).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(onnx, parity["mobilenet-v2"])).toBeLessThanOrEqual(1e-5);
    for (const layer of ["block16", "block16-grid"]) {
      const tfjs = await embed("mobilenet-v2", layer);
      expect(maxAbsDiff(await embed(BACKBONE, layer), tfjs)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("is reported as running on onnx in a deployment that carries both runtimes", async () => {
    const response = await worker.fetch(new Request("http://edge/v1/backbones"));
    const { backbones, runtime } = (await response.json()) as {
      backbones: { id: string; runtime: string; load: { state: string; runtime?: string } }[];
      runtime: { host: string; runtimes: string[] };
    };
    expect(runtime).toMatchObject({
      host: "workerd",
      runtimes: ["tfjs-graph", "tfjs-layers", "onnx", "lexical"],
    });
    expect(backbones.find((backbone) => backbone.id === BACKBONE)).toMatchObject({
      runtime: "onnx",
      load: { state: "ready", runtime: "onnx" },
    });
    // What a version on each exports as: the whole graph only where the network converts to ONNX.
    const exportsOf = (id: string) =>
      (backbones as { id: string; exports?: string[] }[]).find((backbone) => backbone.id === id)
        ?.exports;
    expect(exportsOf("mobilenet-v2")).toEqual(["onnx", "onnx-head", "json"]);
    expect(exportsOf("mobilenet-v2-100")).toEqual(["onnx-head", "json"]);
    expect(exportsOf("use-lite")).toEqual(["onnx-head", "json"]);
  });
});
