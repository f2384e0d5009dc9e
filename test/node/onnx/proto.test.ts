/**
 * The hand-written encoder (models/onnx/proto.ts) against protobufjs's reflection decoder of the
 * ONNX descriptor: every field kind the converter writes comes back as written, and MobileNetV2's
 * conversion is byte for byte the prepared model.onnx whose sha256 its manifest pins.
 */

import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import protobuf from "protobufjs";
import { expect, it } from "vitest";
import { layersByNode } from "../../../models/manifest";
import { convertTfjsGraphToOnnx, type TfjsGraphModelJson } from "../../../models/onnx";
import descriptor from "../../../models/onnx/onnx.proto.json";
import { AttributeType, DataType, encodeModel, type ModelProto } from "../../../models/onnx/proto";
import { mobilenetManifest } from "../../fixtures/onnx/mobilenet-v2";

const MODEL: ModelProto = {
  irVersion: 7,
  opsetImport: [{ domain: "", version: 13 }],
  producerName: "test",
  producerVersion: "1",
  docString: "every field kind",
  metadataProps: [{ key: "labels", value: '["a","b"]' }],
  graph: {
    name: "g",
    node: [
      {
        name: "n",
        opType: "Gemm",
        input: ["x", "w"],
        output: ["y"],
        attribute: [
          { name: "alpha", type: AttributeType.FLOAT, f: 0.5 },
          { name: "transB", type: AttributeType.INT, i: 1 },
          { name: "axes", type: AttributeType.INTS, ints: [-1, 2] },
          { name: "scales", type: AttributeType.FLOATS, floats: [1.5, -2] },
          { name: "mode", type: AttributeType.STRING, s: new TextEncoder().encode("nearest") },
        ],
      },
    ],
    initializer: [
      { name: "w", dims: [2, 3], dataType: DataType.FLOAT, rawData: new Uint8Array(24).fill(7) },
    ],
    input: [
      {
        name: "x",
        type: {
          tensorType: {
            elemType: DataType.FLOAT,
            shape: { dim: [{ dimParam: "batch" }, { dimValue: 3 }, {}] },
          },
        },
      },
    ],
    output: [],
    valueInfo: [],
  },
};

it("writes what protobufjs's reflection reads back", () => {
  const ModelType = protobuf.Root.fromJSON(descriptor).lookupType("onnx.ModelProto");
  const decoded = ModelType.toObject(ModelType.decode(encodeModel(MODEL)), {
    longs: Number,
    defaults: false,
  });
  // Empty repeated fields are absent on the wire, so toObject leaves them out.
  const {
    graph: { output: _, valueInfo: __, ...graph },
    ...rest
  } = MODEL;
  expect(decoded).toMatchObject({
    ...rest,
    opsetImport: [{ version: 13 }],
    graph: {
      ...graph,
      initializer: [{ ...graph.initializer[0], rawData: expect.any(Uint8Array) }],
      node: [
        {
          ...graph.node[0],
          attribute: [
            ...(graph.node[0]?.attribute.slice(0, 4) ?? []),
            { name: "mode", type: AttributeType.STRING, s: expect.any(Uint8Array) },
          ],
        },
      ],
    },
  });
  const node = (decoded as ModelProto).graph.node[0];
  expect(new TextDecoder().decode(node?.attribute[4]?.s)).toBe("nearest");
  expect([...((decoded as ModelProto).graph.initializer[0]?.rawData ?? [])]).toEqual(
    new Array(24).fill(7),
  );
});

it("converts MobileNetV2 to the very bytes `npm run models` prepared", async () => {
  const manifest = mobilenetManifest();
  const dist = new URL("../../../models/dist/mobilenet-v2/", import.meta.url);
  const modelJson = JSON.parse(await readFile(new URL("model.json", dist), "utf8"));
  const weights = await readFile(new URL("weights.bin", dist));
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  const onnx = convertTfjsGraphToOnnx(modelJson as TfjsGraphModelJson, weightData, {
    outputNodes: layersByNode(manifest).map((layer) => layer.node),
  });
  const sha256 = createHash("sha256").update(onnx).digest("hex");
  expect(sha256).toBe(manifest.files.prepared.find((file) => file.path === "model.onnx")?.sha256);
});
