/**
 * AvgPool / MaxPool over H and W (ksize and strides [1, kh, kw, 1]). TF's SAME average excludes the
 * padding, as ONNX AveragePool does by default (count_include_pad = 0). A VALID window that covers
 * the whole feature map becomes GlobalAveragePool / GlobalMaxPool, which onnxruntime runs faster.
 */

import { attrInts, attrString, ConversionError } from "../tfjs-graph";
import type { OpConverter } from "./op";
import { slidingWindow, spatial } from "./window";

const ONNX_OPS: Readonly<Record<string, readonly [string, string]>> = {
  AvgPool: ["AveragePool", "GlobalAveragePool"],
  MaxPool: ["MaxPool", "GlobalMaxPool"],
};

export const pool: OpConverter = (node, g) => {
  const ops = ONNX_OPS[node.op];
  if (ops === undefined) throw new ConversionError(node, "not a pooling op");
  if (attrString(node, "data_format", "NHWC") !== "NHWC") {
    throw new ConversionError(node, "only NHWC data_format is supported");
  }
  const x = g.input(node, 0);
  const kernel = spatial(attrInts(node, "ksize"));
  const strides = spatial(attrInts(node, "strides"));
  const padding = attrString(node, "padding");
  const window = slidingWindow(node, x.shape, kernel, strides, [1, 1], padding);
  const input = g.channelsFirst(x, node.name);
  const global =
    padding === "VALID" &&
    window.outHeight === 1 &&
    window.outWidth === 1 &&
    kernel[0] === x.shape[1] &&
    kernel[1] === x.shape[2];
  const output = global
    ? g.node(ops[1], [input], {}, g.fresh(node.name))
    : g.node(
        ops[0],
        [input],
        { kernel_shape: kernel, strides, pads: window.pads },
        g.fresh(node.name),
      );
  g.define(node.name, {
    shape: [x.shape[0] ?? -1, window.outHeight, window.outWidth, x.shape[3] ?? -1],
    dtype: x.dtype,
    onnxName: output,
    channelsFirst: true,
  });
};
