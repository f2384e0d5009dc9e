/**
 * The JSON export: a head version as a readable document, pinned to the backbone weights and cut
 * layer whose embeddings it takes. `steps` (adapters' describeHead) turn one embedding into logits;
 * the README's API section shows how to apply them.
 */

import type { HeadDescription, HeadStep } from "../../adapters";
import type { BackboneManifest, CutLayer } from "../../models/manifest";
import type { VersionRecord } from "../storage/records";

/** Raised when the document's meaning changes (a new step, a renamed field); readers check it. */
export const HEAD_DOCUMENT_SCHEMA_VERSION = 1;

export interface HeadDocument {
  schema: "edge-adapt/head";
  schemaVersion: number;
  adapterId: string;
  version: number;
  createdAt: string;
  headType: HeadDescription["headType"];
  backbone: { id: string; version: string; weightsHash: string; layer: string; dim: number };
  input: string;
  labels: string[];
  steps: HeadStep[];
  temperature: number;
  abstainThreshold: number | null;
  output: string;
}

export function headDocument(
  record: VersionRecord,
  manifest: BackboneManifest,
  layer: CutLayer,
  head: HeadDescription,
): HeadDocument {
  return {
    schema: "edge-adapt/head",
    schemaVersion: HEAD_DOCUMENT_SCHEMA_VERSION,
    adapterId: record.adapterId,
    version: record.version,
    createdAt: record.createdAt,
    headType: head.headType,
    backbone: {
      id: manifest.id,
      version: manifest.version,
      weightsHash: head.backbone.weightsHash,
      layer: layer.name,
      dim: layer.dim,
    },
    input: embeddingInput(manifest, layer),
    labels: head.labels,
    steps: head.steps,
    temperature: head.temperature,
    abstainThreshold: head.abstainThreshold,
    output: OUTPUT,
  };
}

/** What the head reads: the same words in the JSON document and the head-only ONNX model. */
export function embeddingInput(manifest: BackboneManifest, layer: CutLayer): string {
  return `one L2-normalised ${layer.dim}-d embedding of ${manifest.id} (weights ${manifest.weightsHash}) at cut layer "${layer.name}", as POST /v1/embed {"backbone":"${manifest.id}","layer":"${layer.name}"} returns it`;
}

const OUTPUT =
  'apply `steps` in order to the embedding (standardize: (x − mean) / scale per feature; l2-normalize: x / max(‖x‖₂, 1e-12); linear: W x + b, one row of W per output; relu: max(x, 0)) to get one logit per label; probabilities = softmax(logits / temperature), in `labels` order; /predict answers "unknown" when the top probability is below `abstainThreshold` (null: never)';
