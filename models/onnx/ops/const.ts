/** Const: its tensor comes from the weights manifest; it becomes an initializer only where used. */

import type { GraphBuilder } from "../graph-builder";
import { ConversionError, type TfNode } from "../tfjs-graph";
import type { ConstTensor } from "../weights";

export function constant(
  node: TfNode,
  g: GraphBuilder,
  weights: ReadonlyMap<string, ConstTensor>,
): void {
  const tensor = weights.get(node.name);
  if (tensor === undefined)
    throw new ConversionError(node, "constant has no entry in the weights manifest");
  g.define(node.name, {
    shape: tensor.shape,
    dtype: tensor.dtype,
    constant: tensor,
    channelsFirst: false,
  });
}
