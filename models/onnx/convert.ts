/**
 * tfjs graph model → ONNX (opset 13, IR 7). Only the nodes the requested outputs depend on are
 * converted; every value's shape is declared; 4-D activations run NCHW with a single Transpose after
 * the input (see layout.ts). Each output keeps its TF node's name and TF layout.
 */

import { GraphBuilder, valueInfo } from "./graph-builder";
import { constant, OP_CONVERTERS } from "./ops";
import { encodeModel, type ModelProto, type ValueInfoProto } from "./proto";
import { ConversionError, dataInputs, type TfjsGraphModelJson, type TfNode } from "./tfjs-graph";
import { decodeWeights, type WeightStorage } from "./weights";

export const OPSET = 13;
const IR_VERSION = 7;

export interface ConvertOptions {
  /** The TF nodes whose values become the ONNX graph's outputs (same names, same order). */
  readonly outputNodes: readonly string[];
  /** Quantised float weights as float32 initializers (the default) or as their stored codes. */
  readonly weights?: WeightStorage;
}

export function convertTfjsGraphToOnnx(
  modelJson: TfjsGraphModelJson,
  weightData: ArrayBuffer,
  options: ConvertOptions,
): Uint8Array {
  return encodeModel(buildModel(modelJson, weightData, options));
}

export function buildModel(
  modelJson: TfjsGraphModelJson,
  weightData: ArrayBuffer,
  { outputNodes, weights }: ConvertOptions,
): ModelProto {
  const { g, inputs } = convertGraph(modelJson, weightData, outputNodes, weights);
  const outputs = outputNodes.map((outputNode) => finalOutput(g, outputNode));
  return assembleModel(g, inputs, outputs, {
    graphName: "tfjs-graph",
    docString: `Converted from a tfjs graph model; outputs ${outputNodes.map((n) => `'${n}'`).join(", ")}.`,
    metadata: { source_format: "tfjs-graph-model" },
  });
}

/**
 * The TF nodes `outputNodes` depend on, converted into a builder, and the graph's inputs. Quantised
 * float weights become float32 initializers, or with `as-stored` their codes dequantised in the graph.
 */
export function convertGraph(
  modelJson: TfjsGraphModelJson,
  weightData: ArrayBuffer,
  outputNodes: readonly string[],
  storage: WeightStorage = "float32",
): { g: GraphBuilder; inputs: ValueInfoProto[] } {
  if (outputNodes.length === 0) throw new Error("name at least one output node");
  const weights = decodeWeights(modelJson.weightsManifest, weightData, storage);
  const g = new GraphBuilder();
  for (const outputNode of outputNodes) g.reserve(outputNode);
  const order = dependencyOrder(modelJson.modelTopology.node, outputNodes);
  for (const node of order) {
    if (node.op === "Const") {
      constant(node, g, weights);
      continue;
    }
    const convert = OP_CONVERTERS[node.op];
    if (convert === undefined) throw new ConversionError(node, `unsupported op '${node.op}'`);
    convert(node, g);
  }
  const inputs = order
    .filter((node) => node.op === "Placeholder")
    .map((node) => graphValue(g, node.name));
  return { g, inputs };
}

export interface ModelDescription {
  readonly graphName: string;
  readonly docString: string;
  /** ONNX metadata_props: what a reader of the file should know (labels, provenance…). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** The builder's nodes and initializers as an ONNX model with these inputs and outputs. */
export function assembleModel(
  g: GraphBuilder,
  inputs: ValueInfoProto[],
  outputs: ValueInfoProto[],
  { graphName, docString, metadata }: ModelDescription,
): ModelProto {
  const declared = new Set([...inputs, ...outputs].map((info) => info.name));
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "edge-adapt models/onnx",
    producerVersion: "1",
    docString,
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: graphName,
      node: g.nodes,
      initializer: g.initializers,
      input: inputs,
      output: outputs,
      valueInfo: g.valueInfo.filter((info) => !declared.has(info.name)),
    },
  };
}

/** Nodes the outputs depend on, producers first (iterative DFS; graphs can be deep). */
function dependencyOrder(nodes: readonly TfNode[], outputNodes: readonly string[]): TfNode[] {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const unknown = outputNodes.find((name) => !byName.has(name));
  if (unknown !== undefined) throw new Error(`output node '${unknown}' is not in the graph`);
  const order: TfNode[] = [];
  const done = new Set<string>();
  // Reversed so that the first output's dependencies are converted first.
  const stack = [...outputNodes].reverse().map((name) => ({ name, expanded: false }));
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined || done.has(top.name)) continue;
    const node = byName.get(top.name);
    if (node === undefined) throw new Error(`node '${top.name}' is referenced but not defined`);
    if (top.expanded) {
      done.add(top.name);
      order.push(node);
      continue;
    }
    stack.push({ name: top.name, expanded: true });
    for (const input of dataInputs(node)) {
      if (!done.has(input)) stack.push({ name: input, expanded: false });
    }
  }
  return order;
}

function graphValue(g: GraphBuilder, tfName: string) {
  const value = g.get(tfName);
  if (value?.onnxName === undefined) throw new Error(`'${tfName}' has no ONNX value`);
  return valueInfo(value.onnxName, value);
}

/** The output in TF layout under the TF node's (reserved) name; onnxruntime elides the Identity. */
function finalOutput(g: GraphBuilder, tfName: string) {
  const value = g.get(tfName);
  if (value === undefined) throw new Error(`'${tfName}' was not converted`);
  const name = g.node("Identity", [g.asIs(value, tfName)], {}, tfName);
  return valueInfo(name, { ...value, channelsFirst: false });
}
