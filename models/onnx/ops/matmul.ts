/**
 * MatMul / _FusedMatMul on 2-D operands: y = act(op(a)·op(b) + bias), op = optional transpose =
 * ONNX Gemm (transA, transB, C = bias) followed by the fused activation.
 */

import { attrBool, ConversionError, dataInputs } from "../tfjs-graph";
import { emitFused, fusedOps } from "./fused";
import type { OpConverter } from "./op";

export const matmul: OpConverter = (node, g) => {
  const a = g.input(node, 0);
  const b = g.input(node, 1);
  if (a.shape.length !== 2 || b.shape.length !== 2) {
    throw new ConversionError(node, "only 2-D matrix products are supported");
  }
  const transA = attrBool(node, "transpose_a", false);
  const transB = attrBool(node, "transpose_b", false);
  const fused = fusedOps(node, g, 2);
  const [, bBase = node.name] = dataInputs(node);
  const inputs = [
    g.asIs(a, node.name),
    g.asIs(b, bBase),
    ...(fused.bias ? [g.initializer(`${node.name}/bias`, fused.bias)] : []),
  ];
  const attributes = { transA: transA ? 1 : 0, transB: transB ? 1 : 0 };
  const output = emitFused(g, node, fused, (name) => g.node("Gemm", inputs, attributes, name));
  g.define(node.name, {
    shape: [a.shape[transA ? 1 : 0] ?? -1, b.shape[transB ? 0 : 1] ?? -1],
    dtype: a.dtype,
    onnxName: output,
    channelsFirst: false,
  });
};
