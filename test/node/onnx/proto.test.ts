/**
 * The hand-written encoder (models/onnx/proto.ts) against protobufjs's reflection decoder of the
 * ONNX descriptor: every field kind the converter writes comes back as written.
 */

import protobuf from "protobufjs";
import { expect, it } from "vitest";
import descriptor from "../../../models/onnx/onnx.proto.json";
import { AttributeType, DataType, encodeModel, type ModelProto } from "../../../models/onnx/proto";

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
