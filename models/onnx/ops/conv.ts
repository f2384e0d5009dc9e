/**
 * Shared emission of an ONNX Conv (NCHW, OIHW weights, explicit pads) for TF convolutions whose
 * filter the caller has already rearranged, with the fused bias and activation.
 */

import type { GraphBuilder } from "../graph-builder";
import { attrInts, attrString, ConversionError, type TfNode } from "../tfjs-graph";
import type { ConstTensor } from "../weights";
import { emitFused, fusedOps } from "./fused";
import { slidingWindow, spatial } from "./window";

export function emitConv(node: TfNode, g: GraphBuilder, weight: ConstTensor, group: number): void {
  if (attrString(node, "data_format", "NHWC") !== "NHWC") {
    throw new ConversionError(node, "only NHWC data_format is supported");
  }
  const x = g.input(node, 0);
  const [outChannels = 0, , kh = 1, kw = 1] = weight.shape;
  const strides = spatial(attrInts(node, "strides"));
  const dilations = spatial(attrInts(node, "dilations", [1, 1, 1, 1]));
  const window = slidingWindow(
    node,
    x.shape,
    [kh, kw],
    strides,
    dilations,
    attrString(node, "padding"),
  );
  const fused = fusedOps(node, g, 2);
  const inputs = [
    g.channelsFirst(x, node.name),
    g.initializer(`${node.name}/weight`, weight),
    ...(fused.bias ? [g.initializer(`${node.name}/bias`, fused.bias)] : []),
  ];
  const attributes = { kernel_shape: [kh, kw], strides, dilations, pads: window.pads, group };
  const output = emitFused(g, node, fused, (name) => g.node("Conv", inputs, attributes, name));
  g.define(node.name, {
    shape: [x.shape[0] ?? -1, window.outHeight, window.outWidth, outChannels],
    dtype: "float32",
    onnxName: output,
    channelsFirst: true,
  });
}
