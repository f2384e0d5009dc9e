/**
 * Squeeze (TF `squeeze_dims`, or every size-1 axis when empty) = ONNX Squeeze with axes as an int64
 * input (opset 13). Squeezing H and W of a channels-first [N, C, 1, 1] needs no Transpose.
 */

import { attrInts, ConversionError } from "../tfjs-graph";
import type { OpConverter } from "./op";
import { placeReduction, reducedShape } from "./reduced-axes";

export const squeeze: OpConverter = (node, g) => {
  const x = g.input(node, 0);
  const listed = attrInts(node, "squeeze_dims", []);
  const tfAxes =
    listed.length > 0 ? listed : x.shape.flatMap((size, axis) => (size === 1 ? [axis] : []));
  if (tfAxes.some((axis) => x.shape.at(axis) !== 1)) {
    throw new ConversionError(
      node,
      `cannot squeeze axes [${tfAxes.join(",")}] of shape [${x.shape.join(",")}]`,
    );
  }
  const place = placeReduction(g, x, tfAxes, false, node.name);
  const axes = g.int64s(`${node.name}/axes`, place.axes);
  g.define(node.name, {
    shape: reducedShape(x.shape, tfAxes, false),
    dtype: x.dtype,
    onnxName: g.node("Squeeze", [place.input, axes], {}, g.fresh(node.name)),
    channelsFirst: false,
  });
};
