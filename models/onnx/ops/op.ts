import type { GraphBuilder } from "../graph-builder";
import type { TfNode } from "../tfjs-graph";

/** Converts one tfjs node: adds ONNX nodes to the builder and defines the node's value. */
export type OpConverter = (node: TfNode, g: GraphBuilder) => void;
