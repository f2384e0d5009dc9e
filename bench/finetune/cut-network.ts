/**
 * A MobileNetV2 run once per batch to both ends of its trainable top: the cut feature map (block16,
 * what a finetune head trains on) and the pooled, L2-normalised embedding (what a frozen head sees).
 * Bench-only: the Keras model truncated at two outputs, on the same wasm backend as the service.
 */

import * as tf from "@tensorflow/tfjs-core";
import { model as functionalModel, type LayersModel } from "@tensorflow/tfjs-layers";
import { BACKBONES, type RgbImage } from "../../models";
import { imageBatch } from "../../models/image-backbone";
import { loadPreparedLayersModel } from "../../models/layers-model";
import type { BackboneManifest } from "../../models/manifest";
import { nodeHost } from "../../src/runtime/node";
import { useTfjsWasm } from "../../src/runtime/tfjs-wasm";

export interface CutNetwork {
  manifest: BackboneManifest;
  /** Per image: the cut feature map (H·W·C) and the normalised embedding. */
  run(images: RgbImage[]): Promise<{ maps: Float32Array[]; embeddings: Float32Array[] }>;
  /** The network to the embedding only (a frozen head's path), for latency. */
  embedOnly(images: RgbImage[]): Promise<void>;
  /** The network to the cut only (a finetune head's path), for latency. */
  cutOnly(images: RgbImage[]): Promise<Float32Array>;
}

export async function cutNetwork(id: string): Promise<CutNetwork> {
  const manifest = BACKBONES[id]?.manifest;
  const top = manifest?.trainableTop;
  if (!manifest || !top || manifest.runtime !== "tfjs-layers") {
    throw new Error(`${id}: the bench needs a tfjs-layers backbone with a trainable top`);
  }
  const host = await nodeHost();
  await useTfjsWasm(host.tfjsWasm);
  const full = await loadPreparedLayersModel(host.modelFiles(id), manifest);
  const node = (name: string) =>
    manifest.cutLayers.find((layer) => layer.name === name)?.node ?? "";
  const truncate = (names: string[]): LayersModel =>
    functionalModel({
      inputs: full.inputs,
      outputs: names.map((name) => full.getLayer(name).output) as never,
    });
  const both = truncate([node(top.cut), node(top.output)]);
  const pooledOnly = truncate([node(top.output)]);
  const cutOnly = truncate([node(top.cut)]);
  const batchOf = (images: RgbImage[]) => {
    const { data, dims } = imageBatch(manifest, images);
    return tf.tensor4d(data, [...dims]);
  };
  return {
    manifest,
    async run(images) {
      const batch = batchOf(images);
      const [map, pooled] = both.predict(batch) as tf.Tensor[];
      const normalised = tf.tidy(() => {
        const flat = pooled as tf.Tensor2D;
        return tf.div(flat, tf.maximum(tf.norm(flat, "euclidean", 1, true), 1e-12));
      });
      const [mapData, embeddingData] = await Promise.all([
        (map as tf.Tensor).data() as Promise<Float32Array>,
        normalised.data() as Promise<Float32Array>,
      ]);
      tf.dispose([batch, map as tf.Tensor, pooled as tf.Tensor, normalised]);
      const mapLength = mapData.length / images.length;
      const dim = embeddingData.length / images.length;
      return {
        maps: images.map((_, i) => mapData.slice(i * mapLength, (i + 1) * mapLength)),
        embeddings: images.map((_, i) => embeddingData.slice(i * dim, (i + 1) * dim)),
      };
    },
    async embedOnly(images) {
      const batch = batchOf(images);
      const output = pooledOnly.predict(batch) as tf.Tensor;
      await output.data();
      tf.dispose([batch, output]);
    },
    async cutOnly(images) {
      const batch = batchOf(images);
      const output = cutOnly.predict(batch) as tf.Tensor;
      const data = (await output.data()) as Float32Array;
      tf.dispose([batch, output]);
      return data;
    },
  };
}
