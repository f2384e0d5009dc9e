/**
 * An image backbone on tfjs, whatever format holds the network (a converted graph or a Keras layers
 * model): run the network up to the cut layer only, pool, L2-normalise.
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Backbone } from "./backbone";
import { l2Normalize, poolLayerOutput, toVectors } from "./graph-model";
import { imageBackbone } from "./image-backbone";
import type { BackboneManifest, CutLayer } from "./manifest";

/** Runs the network on a preprocessed [N, H, W, 3] batch and returns the cut layer's raw output. */
export type ForwardToLayer = (batch: tf.Tensor4D, layer: CutLayer) => tf.Tensor;

export function tfjsImageBackbone(
  manifest: BackboneManifest,
  forward: ForwardToLayer,
  dispose: () => void,
): Backbone {
  return imageBackbone(
    manifest,
    async ({ data, dims }, layer) => {
      const batch = tf.tensor4d(data, [...dims]);
      try {
        return await toVectors(
          tf.tidy(() => l2Normalize(poolLayerOutput(forward(batch, layer), layer))),
        );
      } finally {
        batch.dispose();
      }
    },
    dispose,
  );
}
