/**
 * A tiny ONNX model generated in the test: y = LeakyRelu(x + c, 0.5) for x of shape [batch, 2],
 * standing in for a user's own `.onnx` backbone.
 */

import { AttributeType, DataType, type ValueInfoProto } from "../../../models/onnx/proto";
import type { OnnxSignature } from "../../../src/runtime/ort";
import { encodeTestModel, floatTensor } from "../../fixtures/onnx/test-model";

export const TINY_OFFSET = [1, -10];

export const TINY_SIGNATURE: OnnxSignature = {
  inputs: [{ name: "x", dtype: "float32", shape: [-1, 2] }],
  outputs: [{ name: "y", dtype: "float32", shape: [-1, 2] }],
};

export function tinyModel(): Uint8Array {
  return encodeTestModel({
    name: "tiny",
    node: [
      { name: "add", opType: "Add", input: ["x", "c"], output: ["sum"], attribute: [] },
      {
        name: "act",
        opType: "LeakyRelu",
        input: ["sum"],
        output: ["y"],
        attribute: [{ name: "alpha", type: AttributeType.FLOAT, f: 0.5 }],
      },
    ],
    initializer: [floatTensor("c", [2], TINY_OFFSET)],
    input: [batchOfTwo("x")],
    output: [batchOfTwo("y")],
    valueInfo: [],
  });
}

/** The expected output of the tiny model, computed in JS. */
export function tinyExpected(x: readonly number[]): number[] {
  return x.map((v, i) => {
    const sum = v + (TINY_OFFSET[i % 2] ?? 0);
    return sum >= 0 ? sum : 0.5 * sum;
  });
}

function batchOfTwo(name: string): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: [{ dimParam: "batch" }, { dimValue: 2 }] },
      },
    },
  };
}
