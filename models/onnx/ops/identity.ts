/** Identity (and StopGradient): the same value under another name; no ONNX node is needed. */

import type { OpConverter } from "./op";

export const identity: OpConverter = (node, g) => {
  g.define(node.name, g.input(node, 0));
};
