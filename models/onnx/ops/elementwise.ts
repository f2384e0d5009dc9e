/**
 * Broadcasting binary ops (Add/AddV2/BiasAdd, Sub, Mul, RealDiv, Maximum, Minimum): same math in
 * ONNX (numpy broadcasting). When an operand is stored channels-first, the op runs channels-first:
 * constants are aligned to rank 4 and permuted at conversion time ([C] becomes [1, C, 1, 1]), so no
 * Transpose is added. Otherwise every operand is used in its TF layout.
 */

import type { Value } from "../graph-builder";
import { broadcastShapes } from "../layout";
import { ConversionError, dataInputs } from "../tfjs-graph";
import type { OpConverter } from "./op";

const ONNX_OPS: Readonly<Record<string, string>> = {
  Add: "Add",
  AddV2: "Add",
  BiasAdd: "Add",
  Sub: "Sub",
  Mul: "Mul",
  RealDiv: "Div",
  Maximum: "Max",
  Minimum: "Min",
};

export const ELEMENTWISE_OPS = Object.keys(ONNX_OPS);

export const elementwise: OpConverter = (node, g) => {
  const onnxOp = ONNX_OPS[node.op];
  if (onnxOp === undefined) throw new ConversionError(node, "not an element-wise op");
  const operands = [g.input(node, 0), g.input(node, 1)] as const;
  const [a, b] = operands;
  const channelsFirst = runsChannelsFirst(operands);
  const names = operands.map((v, i) => {
    const base = dataInputs(node)[i] ?? node.name;
    return channelsFirst ? g.channelsFirst(v, base) : g.asIs(v, base);
  });
  g.define(node.name, {
    shape: broadcastShapes(a.shape, b.shape),
    dtype: a.dtype,
    onnxName: g.node(onnxOp, names, {}, g.fresh(node.name)),
    channelsFirst,
  });
};

/** Channels-first if an operand already is and every other non-constant is a 4-D activation. */
function runsChannelsFirst(operands: readonly Value[]): boolean {
  return (
    operands.some((v) => v.channelsFirst) &&
    operands.every((v) => v.constant !== undefined || v.shape.length === 4)
  );
}
