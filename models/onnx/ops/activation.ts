/**
 * Activations, standalone or fused into _FusedConv2D/_FusedMatMul. Relu6(x) = min(max(x, 0), 6) is
 * ONNX Clip with min/max inputs (opset ≥ 11); onnxruntime fuses Conv+Clip and Conv+Relu itself.
 * Element-wise, so the input's layout is kept.
 */

import type { GraphBuilder } from "../graph-builder";
import { attrFloat, ConversionError, type TfNode } from "../tfjs-graph";
import type { OpConverter } from "./op";

const ACTIVATIONS = ["Relu", "Relu6", "Elu", "Sigmoid", "Tanh", "LeakyRelu"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export function isActivation(name: string): name is Activation {
  return (ACTIVATIONS as readonly string[]).includes(name);
}

export function emitActivation(
  g: GraphBuilder,
  node: TfNode,
  activation: Activation,
  input: string,
  output: string,
): string {
  switch (activation) {
    case "Relu6":
      return g.node("Clip", [input, g.scalar(0), g.scalar(6)], {}, output);
    case "LeakyRelu": {
      const alpha = attrFloat(node, node.op === "LeakyRelu" ? "alpha" : "leakyrelu_alpha", 0.2);
      return g.node("LeakyRelu", [input], { alpha: { float: alpha } }, output);
    }
    default:
      return g.node(activation, [input], {}, output);
  }
}

export const activation: OpConverter = (node, g) => {
  if (!isActivation(node.op)) throw new ConversionError(node, "not an activation");
  const x = g.input(node, 0);
  const input = x.channelsFirst ? g.channelsFirst(x, node.name) : g.asIs(x, node.name);
  const output = emitActivation(g, node, node.op, input, g.fresh(node.name));
  g.define(node.name, {
    shape: x.shape,
    dtype: x.dtype,
    onnxName: output,
    channelsFirst: x.channelsFirst,
  });
};
