/**
 * The ONNX exports of a head version: the backbone's tfjs graph converted up to the cut layer with
 * the head appended (one self-contained image classifier), or the head alone fed the embedding.
 * Backbones whose input is not a tensor the graph could take (text: a tokenizer runs first) or whose
 * graph the converter does not read (Keras layers models, ONNX-only models) get the head alone.
 */

import type { HeadDescription } from "../../adapters";
import type { BackboneManifest, CutLayer } from "../../models/manifest";
import {
  buildBackboneClassifier,
  buildHeadClassifier,
  type ClassifierDescription,
  ConversionError,
  EMBEDDING_INPUT,
  EMBEDDING_OUTPUT,
  PROBABILITIES_OUTPUT,
  type TfjsGraphModelJson,
} from "../../models/onnx";
import { readPreparedFile } from "../../models/prepared-file";
import { Problem } from "../problem";
import type { BackbonePool } from "../runtime/backbones";
import type { VersionRecord } from "../storage/records";
import { embeddingInput, HEAD_DOCUMENT_SCHEMA_VERSION } from "./head-document";

const GRAPH_FILES = ["model.json", "weights.bin"];

/** Why `manifest`'s network cannot be exported as one graph with the head, or null if it can. */
export function wholeGraphRefusal(manifest: BackboneManifest): string | null {
  const { preprocessing } = manifest;
  if (preprocessing.kind === "text") {
    return `${manifest.id} reads text: its tokenizer (${preprocessing.tokenizer}) runs before the network, outside any graph`;
  }
  if (manifest.runtime === "tfjs-layers") {
    return `${manifest.id} is a Keras (tfjs-layers) model, which the ONNX converter (models/onnx) does not read`;
  }
  const prepared = manifest.files.prepared.map((file) => file.path);
  if (!GRAPH_FILES.every((file) => prepared.includes(file))) {
    return `${manifest.id} has no tfjs graph (model.json + weights.bin) to convert`;
  }
  return null;
}

export function assertWholeGraph(manifest: BackboneManifest): void {
  const refusal = wholeGraphRefusal(manifest);
  if (refusal !== null) throw notExportable(manifest, refusal);
}

/** The file as consecutive parts (the weights' raw data not copied), for the response to stream. */
export async function backboneClassifierOnnx(
  backbones: BackbonePool,
  manifest: BackboneManifest,
  layer: CutLayer,
  record: VersionRecord,
  head: HeadDescription,
): Promise<Uint8Array[]> {
  assertWholeGraph(manifest);
  const files = backbones.files(manifest.id);
  const [modelJson, weightData] = await Promise.all([
    readPreparedFile(files, manifest, "model.json"),
    readPreparedFile(files, manifest, "weights.bin"),
  ]);
  const graph = JSON.parse(new TextDecoder().decode(modelJson)) as TfjsGraphModelJson;
  const description = describe(record, manifest, layer, head, {
    input: imageInput(manifest),
    outputs: `${PROBABILITIES_OUTPUT}: float32 [batch, ${head.labels.length}] calibrated probabilities in \`labels\` order; ${EMBEDDING_OUTPUT}: float32 [batch, ${layer.dim}], the embedding /v1/embed returns`,
  });
  try {
    return buildBackboneClassifier(graph, weightData, layer, head, description);
  } catch (error) {
    if (error instanceof ConversionError) throw notExportable(manifest, error.message);
    throw error;
  }
}

export function headOnnx(
  manifest: BackboneManifest,
  layer: CutLayer,
  record: VersionRecord,
  head: HeadDescription,
): Uint8Array {
  const description = describe(record, manifest, layer, head, {
    input: `${EMBEDDING_INPUT}: float32 [batch, ${layer.dim}], ${embeddingInput(manifest, layer)}`,
    outputs: `${PROBABILITIES_OUTPUT}: float32 [batch, ${head.labels.length}] calibrated probabilities in \`labels\` order`,
  });
  return buildHeadClassifier(head, layer.dim, description);
}

function describe(
  record: VersionRecord,
  manifest: BackboneManifest,
  layer: CutLayer,
  head: HeadDescription,
  io: { input: string; outputs: string },
): ClassifierDescription {
  return {
    docString: `edge-adapt adapter ${record.adapterId} version ${record.version} (${head.headType} head over ${manifest.id}/${layer.name}). Input ${io.input}. Outputs ${io.outputs}.`,
    metadata: {
      schema_version: String(HEAD_DOCUMENT_SCHEMA_VERSION),
      adapter_id: record.adapterId,
      version: String(record.version),
      head_type: head.headType,
      labels: JSON.stringify(head.labels),
      temperature: String(head.temperature),
      abstain_threshold: head.abstainThreshold === null ? "" : String(head.abstainThreshold),
      backbone: manifest.id,
      backbone_version: manifest.version,
      weights_hash: head.backbone.weightsHash,
      layer: layer.name,
      input: io.input,
      outputs: io.outputs,
    },
  };
}

/** The graph's image input in words: name, shape, layout, scaling and the resize before it. */
function imageInput(manifest: BackboneManifest): string {
  const [input] = manifest.inputs;
  const { preprocessing } = manifest;
  if (input === undefined || preprocessing.kind !== "image") {
    throw new Error(`${manifest.id} has no image input`);
  }
  const { width, height } = preprocessing.resize;
  return `${input.name}: float32 [batch, ${input.shape.slice(1).join(", ")}] NHWC RGB, each value byte / ${preprocessing.scale.divisor}, after a centre square crop and a bilinear resize with half-pixel centres to ${width}×${height}`;
}

function notExportable(manifest: BackboneManifest, reason: string): Problem {
  return new Problem(
    422,
    "export-not-supported",
    `${reason}, so format=onnx cannot hold it with the head; export the head alone with format=onnx-head (its input is the embedding POST /v1/embed returns) or format=json`,
    { backbone: manifest.id, formats: ["onnx-head", "json"] },
  );
}
