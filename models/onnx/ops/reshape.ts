/**
 * Reshape to a constant shape (one −1 allowed) = ONNX Reshape with an int64 shape input. Works on the
 * TF layout, since element order is what a reshape preserves.
 */

import { ConversionError } from "../tfjs-graph";
import type { OpConverter } from "./op";

export const reshape: OpConverter = (node, g) => {
  const x = g.input(node, 0);
  const target = g.integerInput(node, 1);
  if (target.filter((size) => size === -1).length > 1) {
    throw new ConversionError(node, "at most one -1 is allowed in the target shape");
  }
  g.define(node.name, {
    shape: resolveShape(x.shape, target),
    dtype: x.dtype,
    onnxName: g.node(
      "Reshape",
      [g.asIs(x, node.name), g.int64s(`${node.name}/shape`, target)],
      {},
      g.fresh(node.name),
    ),
    channelsFirst: false,
  });
};

/** Fills in the −1 when the input size is known. */
function resolveShape(input: readonly number[], target: readonly number[]): number[] {
  const known = input.every((size) => size >= 0);
  if (!known) return [...target];
  const total = input.reduce((a, b) => a * b, 1);
  const rest = target.filter((size) => size !== -1).reduce((a, b) => a * b, 1);
  return target.map((size) => (size === -1 ? total / rest : size));
}
