/**
 * DepthwiseConv2dNative / FusedDepthwiseConv2dNative: each input channel c is convolved with its own
 * M filters, output channel c·M + m. The TF filter is [kh, kw, C, M]; as an ONNX grouped Conv with
 * group = C it is [C·M, 1, kh, kw]: axes (2, 3, 0, 1), then C and M merged (same element order).
 */

import { permuteData } from "../layout";
import { emitConv } from "./conv";
import type { OpConverter } from "./op";

const HWCM_TO_CMHW = [2, 3, 0, 1];

export const depthwiseConv2d: OpConverter = (node, g) => {
  const filter = g.constantInput(node, 1);
  const [kh = 1, kw = 1, channels = 1, multiplier = 1] = filter.shape;
  const weight = {
    ...filter,
    shape: [channels * multiplier, 1, kh, kw],
    data: permuteData(filter.data, filter.shape, HWCM_TO_CMHW),
  };
  emitConv(node, g, weight, channels);
};
