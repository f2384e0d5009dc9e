/** tfjs op → converter. Anything not listed is refused with the op and node named. */

import { activation } from "./activation";
import { conv2d } from "./conv2d";
import { depthwiseConv2d } from "./depthwise-conv2d";
import { ELEMENTWISE_OPS, elementwise } from "./elementwise";
import { identity } from "./identity";
import { matmul } from "./matmul";
import { mean } from "./mean";
import type { OpConverter } from "./op";
import { placeholder } from "./placeholder";
import { pool } from "./pool";
import { reshape } from "./reshape";
import { softmax } from "./softmax";
import { squeeze } from "./squeeze";

export { constant } from "./const";
export type { OpConverter } from "./op";

export const OP_CONVERTERS: Readonly<Record<string, OpConverter>> = {
  Placeholder: placeholder,
  Identity: identity,
  StopGradient: identity,
  Conv2D: conv2d,
  _FusedConv2D: conv2d,
  DepthwiseConv2dNative: depthwiseConv2d,
  FusedDepthwiseConv2dNative: depthwiseConv2d,
  ...Object.fromEntries(ELEMENTWISE_OPS.map((op) => [op, elementwise])),
  Relu: activation,
  Relu6: activation,
  Elu: activation,
  Sigmoid: activation,
  Tanh: activation,
  LeakyRelu: activation,
  AvgPool: pool,
  MaxPool: pool,
  Mean: mean,
  Squeeze: squeeze,
  Reshape: reshape,
  MatMul: matmul,
  _FusedMatMul: matmul,
  Softmax: softmax,
};
