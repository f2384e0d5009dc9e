/**
 * The ONNX MobileNetV2 inside workerd: onnxruntime-web started from the bundled wasm module gives
 * the Node vectors (test/fixtures/parity.json) and the tfjs backbone's, is reported as running on
 * onnx, and leaves no room for a tfjs MobileNetV2 beside it in the same isolate: the two engines'
 * heaps never shrink, and together they would be over 128 MB (src/runtime/residency.ts), which
 * GET /v1/backbones says before one is tried. Each layer against tfjs is compared in Node
 * (test/node/onnx/onnx-backbones.test.ts).
 */

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import parity from "../fixtures/parity.json";
import { PARITY_INPUTS } from "../fixtures/parity-inputs";
import { createTenant } from "./tenants/client";
import { worker } from "./worker";

const BACKBONE = "mobilenet-v2-onnx";

function embedRequest(
  backbone: string,
  layer?: string,
  inputs: unknown[] = PARITY_INPUTS[BACKBONE],
): Promise<Response> {
  return worker.fetch(
    new Request("http://edge/v1/embed", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${(env as { ADMIN_TOKEN: string }).ADMIN_TOKEN}`,
      },
      body: JSON.stringify({ backbone, layer, inputs }),
    }),
  );
}

async function embed(backbone: string, layer?: string): Promise<number[][]> {
  const response = await embedRequest(backbone, layer);
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
    expect((await embed(BACKBONE, "block16-grid"))[0]).toHaveLength(9 * 448);
  });

  it("refuses a tfjs MobileNetV2 in the same isolate with 503, saying why", async () => {
    const response = await embedRequest("mobilenet-v2");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(await response.json()).toMatchObject({
      type: "/problems/backbone-unavailable",
      backbone: "mobilenet-v2",
      detail: expect.stringContaining("one runtime"),
    });
    // lexical has no wasm heap: still served.
    expect((await embedRequest("lexical", undefined, ["a kitten sleeping"])).status).toBe(200);
    // No adapter is created on it here: its every upload would be refused.
    const tenant = await createTenant("no-room");
    const created = await tenant.api.v1.adapters.$post({
      json: { name: "photos", backbone: "mobilenet-v2" },
    });
    expect(created.status).toBe(422);
    expect(await created.json()).toMatchObject({
      type: "/problems/backbone-unavailable",
      detail: expect.stringContaining("one runtime"),
    });
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
    // The tfjs MobileNetV2s this isolate now refuses are listed as such (the console disables them).
    const refused = backbones.find((backbone) => backbone.id === "mobilenet-v2") as unknown as {
      load: unknown;
      selection: { available: boolean; reasons: string[] };
    };
    expect(refused.load).toEqual({
      state: "no-room",
      error: expect.stringContaining("one runtime"),
    });
    expect(refused.selection).toMatchObject({
      available: false,
      reasons: [expect.stringContaining("one runtime")],
    });
    expect(backbones.find((backbone) => backbone.id === "lexical")?.load.state).not.toBe("no-room");
    // What a version on each exports as: the whole graph only where the network converts to ONNX.
    const exportsOf = (id: string) =>
      (backbones as { id: string; exports?: string[] }[]).find((backbone) => backbone.id === id)
        ?.exports;
    expect(exportsOf("mobilenet-v2")).toEqual(["onnx", "onnx-head", "json"]);
    expect(exportsOf("mobilenet-v2-100")).toEqual(["onnx-head", "json"]);
    expect(exportsOf("use-lite")).toEqual(["onnx-head", "json"]);
  });
});
