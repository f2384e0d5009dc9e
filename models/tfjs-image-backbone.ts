/**
 * An image backbone on tfjs, whatever format holds the network (a converted graph or a Keras layers
 * model): preprocess in TS, run the network up to the cut layer only, pool, L2-normalise.
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Backbone } from "./backbone";
import { l2Normalize, poolLayerOutput, resolveCutLayer, toVectors } from "./graph-model";
import { imageBatch, imagesOf } from "./image-backbone";
import type { BackboneManifest, CutLayer } from "./manifest";

/** Runs the network on a preprocessed [N, H, W, 3] batch and returns the cut layer's raw output. */
export type ForwardToLayer = (batch: tf.Tensor4D, layer: CutLayer) => tf.Tensor;

export function tfjsImageBackbone(
  manifest: BackboneManifest,
  forward: ForwardToLayer,
  dispose: () => void,
): Backbone {
  return {
    manifest,
    async embed(inputs, options) {
      const layer = resolveCutLayer(manifest, options?.layer);
      const images = imagesOf(manifest, inputs);
      if (images.length === 0) return [];
      const { data, dims } = imageBatch(manifest, images);
      const batch = tf.tensor4d(data, [...dims]);
      try {
        const rows = tf.tidy(() => l2Normalize(poolLayerOutput(forward(batch, layer), layer)));
        return await toVectors(rows);
      } finally {
        batch.dispose();
      }
    },
    dispose,
  };
}
