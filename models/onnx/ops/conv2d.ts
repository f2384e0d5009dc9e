/**
 * Conv2D / _FusedConv2D: y = act(conv(x, W) + b). The TF filter is HWIO [kh, kw, in/group, out];
 * ONNX wants OIHW [out, in/group, kh, kw], i.e. axes (3, 2, 0, 1). TF infers grouped convolution when
 * the input has more channels than the filter's in-dimension.
 */

import { permuteData, permuteShape } from "../layout";
import { ConversionError } from "../tfjs-graph";
import { emitConv } from "./conv";
import type { OpConverter } from "./op";

const HWIO_TO_OIHW = [3, 2, 0, 1];

export const conv2d: OpConverter = (node, g) => {
  const filter = g.constantInput(node, 1);
  const inChannels = g.input(node, 0).shape[3] ?? -1;
  const filterIn = filter.shape[2] ?? 1;
  if (inChannels < 0 || inChannels % filterIn !== 0) {
    throw new ConversionError(
      node,
      `input channels ${inChannels} do not fit filter in-channels ${filterIn}`,
    );
  }
  const weight = {
    ...filter,
    shape: permuteShape(filter.shape, HWIO_TO_OIHW),
    data: permuteData(filter.data, filter.shape, HWIO_TO_OIHW),
  };
  emitConv(node, g, weight, inChannels / filterIn);
};
