/** Softmax over the last axis (TF) = ONNX Softmax with axis −1 (opset ≥ 13), on the TF layout. */

import type { OpConverter } from "./op";

export const softmax: OpConverter = (node, g) => {
  const x = g.input(node, 0);
  g.define(node.name, {
    shape: x.shape,
    dtype: x.dtype,
    onnxName: g.node("Softmax", [g.asIs(x, node.name)], { axis: -1 }, g.fresh(node.name)),
    channelsFirst: false,
  });
};
