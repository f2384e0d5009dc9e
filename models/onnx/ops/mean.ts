/**
 * Mean over constant axes (TF `keep_dims`) = ONNX ReduceMean (opset 13: axes attribute,
 * `keepdims`). The global spatial mean of a channels-first map stays channels-first.
 */

import { attrBool } from "../tfjs-graph";
import type { OpConverter } from "./op";
import { placeReduction, reducedShape } from "./reduced-axes";

export const mean: OpConverter = (node, g) => {
  const x = g.input(node, 0);
  const tfAxes = g.integerInput(node, 1);
  const keepDims = attrBool(node, "keep_dims", false);
  const place = placeReduction(g, x, tfAxes, keepDims, node.name);
  const output = g.node(
    "ReduceMean",
    [place.input],
    { axes: place.axes, keepdims: keepDims ? 1 : 0 },
    g.fresh(node.name),
  );
  g.define(node.name, {
    shape: reducedShape(x.shape, tfAxes, keepDims),
    dtype: x.dtype,
    onnxName: output,
    channelsFirst: place.channelsFirst,
  });
};
