import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { BackboneDefinition } from "../../../models";
import { BackbonePool, UnknownBackboneError } from "../../../src/runtime/backbones";
import { type NodeHost, nodeHost } from "../../../src/runtime/node";
import { ISOLATE_MEMORY_BYTES } from "../../../src/runtime/residency";
import { wasmHeapBytes } from "../../../src/runtime/tfjs-wasm";
import parity from "../../fixtures/parity.json";
import { PARITY_INPUTS, parityEmbeddings } from "../../fixtures/parity-inputs";

let host: NodeHost;
let pool: BackbonePool;

beforeAll(async () => {
  host = await nodeHost();
  pool = new BackbonePool(host);
});

const grey = (side: number, value: number) => ({
  kind: "image" as const,
  image: { width: side, height: side, data: new Uint8Array(side * side * 3).fill(value) },
});

describe("BackbonePool on the Node host", () => {
  it("loads a backbone once for concurrent first uses and reports its state", async () => {
    expect(pool.state("use-lite")).toEqual({ state: "unloaded" });
    // Asking for the heap before any load must not start tfjs's stock wasm backend (which fetches
    // its own .wasm, and on workerd logs "both async and sync fetching of the wasm failed").
    const stockFactory = tf.engine().registryFactory.wasm;
    if (!stockFactory) throw new Error("tfjs-backend-wasm registered no wasm backend at import");
    const startStock = vi.spyOn(stockFactory, "factory");
    expect(wasmHeapBytes()).toBe(0);
    expect(startStock).not.toHaveBeenCalled();
    startStock.mockRestore();
    const load = vi.spyOn(host.backbones["use-lite"] as BackboneDefinition, "load");
    const text = { kind: "text" as const, text: "loaded once" };
    const [first, second] = await Promise.all([
      pool.embed("use-lite", [text]),
      pool.embed("use-lite", [text]),
    ]);
    expect(load).toHaveBeenCalledTimes(1);
    load.mockRestore();
    expect(first.embeddings).toEqual(second.embeddings);
    expect(pool.state("use-lite")).toMatchObject({ state: "ready" });
    expect(tf.getBackend()).toBe("wasm");
    expect(wasmHeapBytes()).toBeGreaterThan(0);
  });

  it("warms a backbone once: loaded, one forward pass run, and where the load's time went", async () => {
    await Promise.all([pool.warm("use-lite"), pool.warm("use-lite")]);
    const state = pool.state("use-lite");
    if (state.state !== "ready") throw new Error(`use-lite is ${state.state}`);
    const { engineMs, filesMs, modelMs } = state.phases;
    expect(Math.min(engineMs, filesMs, modelMs)).toBeGreaterThanOrEqual(0);
    expect(engineMs + filesMs + modelMs).toBeCloseTo(state.loadMs, 6);
    const firstRun = pool.firstRunMs("use-lite");
    expect(firstRun).toBeGreaterThan(0);
    const items = pool.latency("use-lite")?.items ?? 0;
    await pool.embed("use-lite", [{ kind: "text", text: "a later request" }]);
    expect(pool.firstRunMs("use-lite")).toBe(firstRun);
    expect(pool.latency("use-lite")?.items).toBe(items + 1);
  });

  it("refuses an unknown backbone by name", async () => {
    await expect(pool.embed("resnet-9000", [])).rejects.toBeInstanceOf(UnknownBackboneError);
    expect(() => pool.manifest("resnet-9000")).toThrow(/unknown backbone "resnet-9000"; known/);
    expect(() => pool.manifest("mobilenet-v2/block12")).toThrow(
      /a selection candidate's id is <backbone>\/<layer>: give its backbone and layer fields/,
    );
  });

  it("lets other work run between the forward passes of a large batch", async () => {
    const texts = Array.from({ length: 6 }, (_, i) => ({
      kind: "text" as const,
      text: `text ${i}`,
    }));
    const own = new BackbonePool(host);
    await own.embed("lexical", texts.slice(0, 1));
    const order: string[] = [];
    const embedded = own.embed("lexical", texts).then(() => order.push("embedded"));
    setTimeout(() => order.push("timer"), 0);
    await embedded;
    expect(order).toEqual(["timer", "embedded"]);
  });

  it("embeds with a named cut layer and reports that layer's dimension", async () => {
    const manifest = pool.manifest("mobilenet-v2");
    const earlier = manifest.cutLayers.find((layer) => layer.name !== manifest.output.layer);
    if (!earlier) throw new Error("mobilenet-v2 should offer more than one cut layer");
    const result = await pool.embed("mobilenet-v2", [grey(8, 90)], earlier.name);
    expect(result.layer).toBe(earlier.name);
    expect(result.dim).toBe(earlier.dim);
    expect(result.embeddings[0]).toHaveLength(earlier.dim);
  });

  it("embeds a fusion of two layers of one network in one pass, as each layer alone side by side", async () => {
    const images = [grey(8, 90), grey(8, 200)];
    const embedLayers = vi.spyOn(pool, "embedLayers");
    const fused = await pool.embed("mobilenet-v2:block12+mobilenet-v2", images);
    expect(embedLayers.mock.calls.map(([id, , layers]) => [id, layers])).toEqual([
      ["mobilenet-v2", ["block12", "pooled"]],
    ]);
    embedLayers.mockRestore();
    const block12 = await pool.embed("mobilenet-v2", images, "block12");
    const pooled = await pool.embed("mobilenet-v2", images, "pooled");
    expect(fused.embeddings).toEqual(
      images.map((_, i) =>
        Float32Array.from([
          ...(block12.embeddings[i] as Float32Array),
          ...(pooled.embeddings[i] as Float32Array),
        ]),
      ),
    );
  });
});

describe("the backbones resident in one isolate", () => {
  it("unloads the least recently used when the next one's wasm heap would not fit beside it", async () => {
    const image = [grey(16, 120)];
    const before = await pool.embed("mobilenet-v2", image);
    expect(pool.resident).toContain("mobilenet-v2");
    // MobileNetV2 1.0 beside 1.4 (and use-lite) would take a 154 MiB heap; after 1.4, alone, 89 MiB.
    await pool.embed("mobilenet-v2-100", image);
    expect(pool.resident).not.toContain("mobilenet-v2");
    expect(pool.state("mobilenet-v2")).toEqual({ state: "unloaded" });
    expect(wasmHeapBytes()).toBeLessThanOrEqual(ISOLATE_MEMORY_BYTES);
    // Its next use loads it again, to the same vectors.
    expect((await pool.embed("mobilenet-v2", image)).embeddings).toEqual(before.embeddings);
    expect(pool.resident).toEqual(["mobilenet-v2"]);
    expect(wasmHeapBytes()).toBeLessThanOrEqual(ISOLATE_MEMORY_BYTES);
  });
});

describe("the committed parity fixture", () => {
  // Every backbone on both runtimes, as test/fixtures/make-parity.ts computes them: more than one
  // isolate could hold side by side, which a Node process can.
  let everyRuntime: BackbonePool;
  beforeAll(() => {
    everyRuntime = new BackbonePool(host, Number.POSITIVE_INFINITY);
  });

  // The workerd test compares against this file; it must still be what Node computes today.
  for (const backbone of Object.keys(PARITY_INPUTS) as (keyof typeof PARITY_INPUTS)[]) {
    it(`matches today's Node embeddings for ${backbone}`, async () => {
      expect(await parityEmbeddings(everyRuntime, backbone)).toEqual(parity[backbone]);
    });
  }
});
