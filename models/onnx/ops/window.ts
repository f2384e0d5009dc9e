/**
 * Output size and explicit ONNX pads of a 2-D sliding window (conv, depthwise conv, pooling) with TF
 * padding semantics: VALID pads nothing; SAME gives ceil(in/stride) outputs and pads
 * max((out−1)·stride + (k−1)·dilation + 1 − in, 0) in total, the odd pixel at the end (bottom/right).
 */

import { ConversionError, type TfNode } from "../tfjs-graph";

export interface Window {
  /** NHWC output shape without the channel count (the caller knows it). */
  readonly outHeight: number;
  readonly outWidth: number;
  /** ONNX order: [top, left, bottom, right]. */
  readonly pads: [number, number, number, number];
}

export function slidingWindow(
  node: TfNode,
  inputShape: readonly number[],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: string,
): Window {
  const [, height = -1, width = -1] = inputShape;
  if (height < 0 || width < 0) {
    throw new ConversionError(node, "spatial input size must be known");
  }
  const rows = axis(node, height, kernel[0], strides[0], dilations[0], padding);
  const cols = axis(node, width, kernel[1], strides[1], dilations[1], padding);
  return {
    outHeight: rows.out,
    outWidth: cols.out,
    pads: [rows.begin, cols.begin, rows.end, cols.end],
  };
}

function axis(
  node: TfNode,
  size: number,
  k: number,
  stride: number,
  dilation: number,
  padding: string,
) {
  const extent = (k - 1) * dilation + 1;
  if (padding === "VALID") {
    return { out: Math.ceil((size - extent + 1) / stride), begin: 0, end: 0 };
  }
  if (padding === "SAME") {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + extent - size, 0);
    return { out, begin: Math.floor(total / 2), end: total - Math.floor(total / 2) };
  }
  throw new ConversionError(node, `padding '${padding}' is not supported`);
}

/** [h, w] from a TF NHWC attribute list such as strides [1, sh, sw, 1]. */
export function spatial(values: readonly number[]): [number, number] {
  return [values[1] ?? 1, values[2] ?? 1];
}
