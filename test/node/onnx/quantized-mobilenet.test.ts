/**
 * The int8 QDQ MobileNetV2 (models/onnx/quantize) on onnxruntime-web: a quarter of the size, its
 * convolutions fused into integer kernels, and embeddings close to the float model's on images it
 * was not calibrated on.
 */

import * as ortNode from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeModel } from "../../../models/onnx/decode";
import { createOrtSession, useOrtWasm } from "../../../src/runtime/ort";
import { compileOrtWasm } from "../../../src/runtime/ort/node-wasm";
import {
  convertedMobileNetV2,
  quantizedMobileNetV2,
  syntheticImages,
} from "../../fixtures/onnx/mobilenet-v2";
import { cosine } from "../models/helpers";

const BATCH = 4;
const DIM = 1792;

let onnx: Uint8Array;
let quantized: Uint8Array;
let outputNode: string;

beforeAll(async () => {
  ({ onnx, outputNode } = await convertedMobileNetV2());
  quantized = await quantizedMobileNetV2(onnx);
  useOrtWasm(await compileOrtWasm());
}, 300_000);

async function embed(model: Uint8Array, images: Float32Array): Promise<Float32Array> {
  const session = await createOrtSession(model);
  const result = await session.run(
    { input: { dtype: "float32", data: images, dims: [BATCH, 224, 224, 3] } },
    [outputNode],
  );
  await session.release();
  return result[outputNode]?.data as Float32Array;
}

describe("int8 QDQ MobileNetV2", () => {
  it("stores int8 weights: under a third of the float model's bytes", () => {
    expect(quantized.byteLength).toBeLessThan(onnx.byteLength / 3);
  });

  it("is fused by onnxruntime into QLinearConv and QLinearAdd", async () => {
    const path = `${process.env.TMPDIR ?? "/tmp"}/quantized-mobilenet-${process.pid}.onnx`;
    await ortNode.InferenceSession.create(quantized, {
      graphOptimizationLevel: "extended",
      optimizedModelFilePath: path,
    });
    const { readFile, rm } = await import("node:fs/promises");
    const ops = decodeModel(await readFile(path)).graph.node.map((n) => n.opType);
    await rm(path);
    expect(ops.filter((op) => op === "QLinearConv")).toHaveLength(52);
    expect(ops.filter((op) => op === "QLinearAdd")).toHaveLength(10);
    expect(ops).not.toContain("Conv");
  });

  it("embeds within cosine 0.98 of the float model on uncalibrated images", async () => {
    const images = syntheticImages(BATCH);
    const [float, int8] = await Promise.all([embed(onnx, images), embed(quantized, images)]);
    for (let n = 0; n < BATCH; n++) {
      const row = [n * DIM, (n + 1) * DIM] as const;
      expect(cosine(int8.subarray(...row), float.subarray(...row))).toBeGreaterThan(0.98);
    }
  });
});
