/**
 * What every tfjs backbone shares, graph or Keras (layers-model.ts): reading the checksum-verified
 * prepared model, loading a graph, and turning a cut layer's output into L2-normalised vectors.
 * (Reading prepared files and resolving cut layers do not need tfjs, so ONNX backbones take them
 * from their own modules, re-exported here.)
 */

import { type GraphModel, loadGraphModel } from "@tensorflow/tfjs-converter";
import * as tf from "@tensorflow/tfjs-core";
import type { ModelFiles } from "./backbone";
import type { BackboneManifest, CutLayer } from "./manifest";
import { readPreparedFile } from "./prepared-file";

export { resolveCutLayer } from "./cut-layer";
export { readPreparedFile };

interface PreparedModelJson {
  modelTopology: object;
  weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  userDefinedMetadata?: Record<string, unknown>;
}

/**
 * model.json + weights.bin (one shard, see models/prepare), checksum-verified, as the in-memory
 * artifacts both tfjs loaders take: tfjs-converter's for graphs, tfjs-layers' for Keras models.
 */
export async function preparedArtifacts(
  files: ModelFiles,
  manifest: BackboneManifest,
): Promise<tf.io.IOHandler> {
  const [modelJson, weightData] = await Promise.all([
    readPreparedFile(files, manifest, "model.json"),
    readPreparedFile(files, manifest, "weights.bin"),
  ]);
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as PreparedModelJson;
  return tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData,
    userDefinedMetadata: json.userDefinedMetadata,
  });
}

/** The prepared graph → a tfjs GraphModel on the current backend. */
export async function loadPreparedGraphModel(
  files: ModelFiles,
  manifest: BackboneManifest,
): Promise<GraphModel> {
  return loadGraphModel(await preparedArtifacts(files, manifest));
}

/** Name of the graph's `position`-th input placeholder, as listed in the manifest. */
export function inputNode(manifest: BackboneManifest, position: number): string {
  const input = manifest.inputs[position];
  if (!input) throw new Error(`${manifest.id}: the manifest lists no input ${position}`);
  return input.name;
}

/** A cut layer's raw output → [N, dim]: pools feature maps as the layer asks (./grid-pooling.ts). */
export function poolLayerOutput(output: tf.Tensor, layer: CutLayer): tf.Tensor2D {
  switch (layer.pooling) {
    case "global-average":
      return tf.reshape(tf.mean(output, [1, 2]), [-1, layer.dim]);
    case "grid-average":
      return tf.reshape(
        tf.avgPool(output as tf.Tensor4D, layer.grid.window, layer.grid.stride, "valid"),
        [-1, layer.dim],
      );
    case "none":
      return tf.reshape(output, [-1, layer.dim]);
  }
}

/** Row-wise x / max(‖x‖₂, ε): unit vectors, and an all-zero row stays zero instead of NaN. */
export function l2Normalize(rows: tf.Tensor2D): tf.Tensor2D {
  const norms = tf.maximum(tf.norm(rows, "euclidean", 1, true), 1e-12);
  return tf.div(rows, norms);
}

/** Copies [N, dim] to the host as N separate vectors and disposes the tensor. */
export async function toVectors(rows: tf.Tensor2D): Promise<Float32Array[]> {
  try {
    const [count, dim] = rows.shape;
    const flat = (await rows.data()) as Float32Array;
    return Array.from({ length: count }, (_, row) => flat.slice(row * dim, (row + 1) * dim));
  } finally {
    rows.dispose();
  }
}
