/**
 * MobileNetV2's weights kept as the package stores them (uint8 codes, dequantised in the graph, what
 * format=onnx exports) against the float32 conversion that `npm run models` pins: a file under a
 * third of the size, and onnxruntime computes the very same outputs, bit for bit, from the codes
 * (the graph dequantises with tfjs's formula, so the folded weights are tfjs's float32 values).
 */

import { readFile } from "node:fs/promises";
import * as ort from "onnxruntime-node";
import { expect, it } from "vitest";
import { convertTfjsGraphToOnnx, type TfjsGraphModelJson } from "../../../models/onnx";
import { decodeModel } from "../../../models/onnx/decode";
import { DataType } from "../../../models/onnx/proto";
import { mobilenetManifest, syntheticImages } from "../../fixtures/onnx/mobilenet-v2";

it("keeps MobileNetV2's uint8 weights and computes what its float32 conversion computes", async () => {
  const dist = new URL("../../../models/dist/mobilenet-v2/", import.meta.url);
  const modelJson = JSON.parse(await readFile(new URL("model.json", dist), "utf8"));
  const weights = await readFile(new URL("weights.bin", dist));
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  const outputNodes = [mobilenetManifest().output.node];
  const convert = (storage: "float32" | "as-stored") =>
    convertTfjsGraphToOnnx(modelJson as TfjsGraphModelJson, weightData, {
      outputNodes,
      weights: storage,
    });
  const floats = convert("float32");
  const codes = convert("as-stored");
  console.log("MobileNetV2 bytes, float32 vs as stored:", floats.byteLength, codes.byteLength);
  expect(codes.byteLength).toBeLessThan(floats.byteLength / 3);
  const initializerTypes = new Set(decodeModel(codes).graph.initializer.map((t) => t.dataType));
  expect([...initializerTypes]).toContain(DataType.UINT8);

  const batch = 2;
  const input = new ort.Tensor("float32", syntheticImages(batch), [batch, 224, 224, 3]);
  const run = async (onnx: Uint8Array) => {
    const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
    const outputs = await session.run({ input });
    await session.release();
    return outputs[outputNodes[0] ?? ""]?.data as Float32Array;
  };
  const expected = await run(floats);
  const actual = await run(codes);
  expect(actual.length).toBe(expected.length);
  expect(actual).toEqual(expected);
});
