/** Placeholder = a graph input, float32 or int32, in its TF layout; −1 dimensions stay free. */

import { attrShape, attrType, ConversionError } from "../tfjs-graph";
import type { OpConverter } from "./op";

const DTYPES: Readonly<Record<string, "float32" | "int32">> = {
  DT_FLOAT: "float32",
  DT_INT32: "int32",
};

export const placeholder: OpConverter = (node, g) => {
  const dtype = DTYPES[attrType(node, "dtype")];
  if (dtype === undefined)
    throw new ConversionError(node, `input dtype ${attrType(node, "dtype")} is not supported`);
  g.define(node.name, {
    shape: attrShape(node, "shape"),
    dtype,
    onnxName: g.fresh(node.name),
    channelsFirst: false,
  });
};
