/**
 * A small tfjs graph model built in the test, exercising converter paths MobileNetV2 does not:
 * strided SAME conv on an odd size, grouped depthwise multiplier, MaxPool, a per-channel Sub,
 * Mean with keep_dims, Reshape, _FusedMatMul with Relu6, Softmax.
 */

import type { TfjsGraphModelJson } from "../../../models/onnx";

type Node = TfjsGraphModelJson["modelTopology"]["node"][number];
type Spec = TfjsGraphModelJson["weightsManifest"][number]["weights"][number];

const b64 = (s: string) => Buffer.from(s).toString("base64");
const ints = (...values: number[]) => ({ list: { i: values.map(String) } });
const str = (s: string) => ({ s: b64(s) });
const float = { type: "DT_FLOAT" };

export interface MiniGraph {
  readonly modelJson: TfjsGraphModelJson;
  readonly weightData: ArrayBuffer;
}

export function miniGraph(replaceOp: Readonly<Record<string, string>> = {}): MiniGraph {
  const weights: { spec: Spec; data: Float32Array | Int32Array }[] = [];
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const constant = (name: string, shape: number[], values?: number[]): Node => {
    const size = shape.reduce((a, b) => a * b, 1);
    const int = values !== undefined;
    const data = int ? Int32Array.from(values) : Float32Array.from({ length: size }, random);
    weights.push({ spec: { name, shape, dtype: int ? "int32" : "float32" }, data });
    const dtype = { type: int ? "DT_INT32" : "DT_FLOAT" };
    return {
      name,
      op: "Const",
      attr: {
        value: {
          tensor: {
            dtype: dtype.type,
            tensorShape: { dim: shape.map((size) => ({ size: String(size) })) },
          },
        } as never,
        dtype,
      },
    };
  };
  const fused = (...ops: string[]) => ({
    fused_ops: { list: { s: ops.map(b64) } },
    num_args: { i: "1" },
  });
  const graph: Node[] = [
    {
      name: "input",
      op: "Placeholder",
      attr: {
        dtype: float,
        shape: { shape: { dim: [{ size: "-1" }, { size: "9" }, { size: "9" }, { size: "2" }] } },
      },
    },
    constant("w1", [3, 3, 2, 4]),
    constant("b1", [4]),
    {
      name: "conv",
      op: "_FusedConv2D",
      input: ["input", "w1", "b1"],
      attr: {
        T: float,
        strides: ints(1, 2, 2, 1),
        padding: str("SAME"),
        data_format: str("NHWC"),
        dilations: ints(1, 1, 1, 1),
        ...fused("BiasAdd", "Relu"),
      },
    },
    constant("dw", [3, 3, 4, 2]),
    constant("dwb", [8]),
    {
      name: "depthwise",
      op: "FusedDepthwiseConv2dNative",
      input: ["conv", "dw", "dwb"],
      attr: {
        T: float,
        strides: ints(1, 1, 1, 1),
        padding: str("VALID"),
        data_format: str("NHWC"),
        dilations: ints(1, 1, 1, 1),
        ...fused("BiasAdd", "Relu6"),
      },
    },
    {
      name: "pool",
      op: "MaxPool",
      input: ["depthwise"],
      attr: {
        T: float,
        ksize: ints(1, 2, 2, 1),
        strides: ints(1, 2, 2, 1),
        padding: str("SAME"),
        data_format: str("NHWC"),
      },
    },
    constant("shift", [8]),
    { name: "centred", op: "Sub", input: ["pool", "shift"], attr: { T: float } },
    constant("axes", [2], [1, 2]),
    {
      name: "mean",
      op: "Mean",
      input: ["centred", "axes"],
      attr: { T: float, keep_dims: { b: true } },
    },
    constant("flat", [2], [-1, 8]),
    { name: "reshape", op: "Reshape", input: ["mean", "flat"], attr: { T: float } },
    constant("wm", [8, 3]),
    constant("bm", [3]),
    {
      name: "dense",
      op: "_FusedMatMul",
      input: ["reshape", "wm", "bm"],
      attr: {
        T: float,
        transpose_a: { b: false },
        transpose_b: { b: false },
        ...fused("BiasAdd", "Relu6"),
      },
    },
    { name: "probs", op: "Softmax", input: ["dense"], attr: { T: float } },
  ];
  const nodes = graph.map((node) => ({ ...node, op: replaceOp[node.name] ?? node.op }));
  const bytes = weights.map(({ data }) => new Uint8Array(data.buffer));
  const weightData = new Uint8Array(bytes.reduce((total, b) => total + b.byteLength, 0));
  let offset = 0;
  for (const b of bytes) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  return {
    modelJson: {
      modelTopology: { node: nodes },
      weightsManifest: [{ paths: ["weights.bin"], weights: weights.map((w) => w.spec) }],
    },
    weightData: weightData.buffer,
  };
}
