/**
 * The converted MobileNetV2 gives the tfjs embedding: tfjs (wasm backend) vs onnxruntime-web (wasm)
 * vs onnxruntime-node (native CPU, one thread), on the same preprocessed inputs.
 */

import * as tf from "@tensorflow/tfjs-core";
import * as ortNode from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPreparedGraphModel } from "../../../models/graph-model";
import { nodeHost } from "../../../src/runtime/node";
import { createOrtSession, useOrtWasm } from "../../../src/runtime/ort";
import { compileOrtWasm } from "../../../src/runtime/ort/node-wasm";
import { useTfjsWasm } from "../../../src/runtime/tfjs-wasm";
import {
  convertedMobileNetV2,
  mobilenetManifest,
  syntheticImages,
} from "../../fixtures/onnx/mobilenet-v2";
import { cosine, maxAbsDifference } from "../models/helpers";

const BATCH = 3;
const DIM = 1792;
const dims = [BATCH, 224, 224, 3];

let onnx: Uint8Array;
let outputNode: string;
let images: Float32Array;
let tfjsEmbedding: Float32Array;

beforeAll(async () => {
  ({ onnx, outputNode } = await convertedMobileNetV2());
  images = syntheticImages(BATCH);
  const host = await nodeHost();
  await useTfjsWasm(host.tfjsWasm);
  const model = await loadPreparedGraphModel(host.modelFiles("mobilenet-v2"), mobilenetManifest());
  const input = tf.tensor4d(images, [BATCH, 224, 224, 3]);
  const output = model.execute({ input }, outputNode) as tf.Tensor;
  tfjsEmbedding = (await output.data()) as Float32Array;
  tf.dispose([input, output]);
  model.dispose();
}, 120_000);

/** Worst per-image cosine and the max abs difference over the batch. */
function compare(actual: Float32Array, expected: Float32Array) {
  const rows = Array.from({ length: BATCH }, (_, n) => [n * DIM, (n + 1) * DIM] as const);
  return {
    cosine: Math.min(
      ...rows.map(([from, to]) => cosine(actual.subarray(from, to), expected.subarray(from, to))),
    ),
    maxAbsDiff: maxAbsDifference(actual, expected),
  };
}

describe("converted MobileNetV2", () => {
  it("declares its input and the 1792-d output with a free batch", async () => {
    const session = await ortNode.InferenceSession.create(onnx);
    expect(session.inputMetadata).toEqual([
      { name: "input", isTensor: true, type: "float32", shape: ["batch", 224, 224, 3] },
    ]);
    expect(session.outputMetadata).toEqual([
      { name: outputNode, isTensor: true, type: "float32", shape: ["batch", DIM] },
    ]);
    await session.release();
  });

  it("matches tfjs in onnxruntime-web (wasm)", async () => {
    useOrtWasm(await compileOrtWasm());
    const session = await createOrtSession(onnx);
    const result = await session.run({ input: { dtype: "float32", data: images, dims } });
    const embedding = result[outputNode]?.data as Float32Array;
    expect(embedding).toHaveLength(BATCH * DIM);
    const parity = compare(embedding, tfjsEmbedding);
    console.log("onnxruntime-web vs tfjs-wasm:", parity);
    expect(parity.cosine).toBeGreaterThanOrEqual(0.9999);
    expect(parity.maxAbsDiff).toBeLessThan(1e-3);
    await session.release();
  });

  it("matches tfjs in onnxruntime-node (native CPU)", async () => {
    const session = await ortNode.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
    const result = await session.run({ input: new ortNode.Tensor("float32", images, dims) });
    const parity = compare(result[outputNode]?.data as Float32Array, tfjsEmbedding);
    console.log("onnxruntime-node vs tfjs-wasm:", parity);
    expect(parity.cosine).toBeGreaterThanOrEqual(0.9999);
    expect(parity.maxAbsDiff).toBeLessThan(1e-3);
    await session.release();
  });
});
