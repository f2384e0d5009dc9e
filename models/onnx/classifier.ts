/**
 * Self-contained classifiers as ONNX: a tfjs graph backbone converted up to a cut layer, pooled and
 * L2-normalised into the embedding, then an adapter head (head.ts); or the head alone, fed the
 * embedding. Outputs: `probabilities` [batch, labels] (softmax(logits / temperature), the labels in
 * the `labels` metadata's order) and, for the whole classifier, `embedding` [batch, dim].
 */

import type { LayerPooling } from "../manifest";
import { assembleModel, convertGraph } from "./convert";
import { GraphBuilder, valueInfo } from "./graph-builder";
import { appendEmbedding, appendHead, type HeadGraph } from "./head";
import { encodeModel, encodeModelParts } from "./proto";
import type { TfjsGraphModelJson } from "./tfjs-graph";

export const PROBABILITIES_OUTPUT = "probabilities";
export const EMBEDDING_OUTPUT = "embedding";
/** The head-only graph's input. */
export const EMBEDDING_INPUT = "embedding";

export type CutLayerSpec = LayerPooling & {
  /** The TF node whose output is the cut layer. */
  readonly node: string;
  readonly dim: number;
};

/** What the file says about itself: a sentence, and metadata_props (labels, provenance…). */
export interface ClassifierDescription {
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * The whole classifier as the consecutive parts of its file (proto.ts's encodeModelParts). The
 * backbone's weights stay as the manifest stores them (uint8 codes), dequantised in the graph: a
 * quarter of float32's size, and no float copy of every weight while it is built.
 */
export function buildBackboneClassifier(
  modelJson: TfjsGraphModelJson,
  weightData: ArrayBuffer,
  cut: CutLayerSpec,
  head: HeadGraph,
  description: ClassifierDescription,
): Uint8Array[] {
  const { g, inputs } = convertGraph(modelJson, weightData, [cut.node], "as-stored");
  for (const name of [PROBABILITIES_OUTPUT, EMBEDDING_OUTPUT]) g.reserve(name);
  const value = g.get(cut.node);
  if (value === undefined) throw new Error(`cut node '${cut.node}' was not converted`);
  const embedding = appendEmbedding(g, value, cut, EMBEDDING_OUTPUT);
  appendHead(g, embedding, head, PROBABILITIES_OUTPUT);
  const outputs = [rows(PROBABILITIES_OUTPUT, head.labels.length), rows(EMBEDDING_OUTPUT, cut.dim)];
  return encodeModelParts(
    assembleModel(g, inputs, outputs, { graphName: "edge-adapt-classifier", ...description }),
  );
}

export function buildHeadClassifier(
  head: HeadGraph,
  dim: number,
  description: ClassifierDescription,
): Uint8Array {
  const g = new GraphBuilder();
  for (const name of [EMBEDDING_INPUT, PROBABILITIES_OUTPUT]) g.reserve(name);
  appendHead(g, EMBEDDING_INPUT, head, PROBABILITIES_OUTPUT);
  return encodeModel(
    assembleModel(
      g,
      [rows(EMBEDDING_INPUT, dim)],
      [rows(PROBABILITIES_OUTPUT, head.labels.length)],
      { graphName: "edge-adapt-head", ...description },
    ),
  );
}

/** A float32 [batch, width] value. */
function rows(name: string, width: number) {
  return valueInfo(name, { shape: [-1, width], dtype: "float32", channelsFirst: false });
}
