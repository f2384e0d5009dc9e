/**
 * An image backbone on tfjs, whatever format holds the network (a converted graph or a Keras layers
 * model): run the network up to the cut layer only, pool, L2-normalise. With a trainable top, also
 * the top's cut feature map and output embedding in one pass (what a finetune head caches).
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Backbone } from "./backbone";
import { resolveCutLayer } from "./cut-layer";
import { l2Normalize, poolLayerOutput, toVectors } from "./graph-model";
import { imageBackbone } from "./image-backbone";
import type { BackboneManifest, CutLayer, TrainableTop } from "./manifest";

/** Runs the network on a preprocessed [N, H, W, 3] batch and returns the cut layers' raw outputs. */
export type ForwardToLayers = (batch: tf.Tensor4D, layers: CutLayer[]) => tf.Tensor[];

export function tfjsImageBackbone(
  manifest: BackboneManifest,
  forward: ForwardToLayers,
  dispose: () => void,
): Backbone {
  return imageBackbone(
    manifest,
    async ({ data, dims }, layer) => {
      const batch = tf.tensor4d(data, [...dims]);
      try {
        return await toVectors(
          tf.tidy(() =>
            l2Normalize(poolLayerOutput(forward(batch, [layer])[0] as tf.Tensor, layer)),
          ),
        );
      } finally {
        batch.dispose();
      }
    },
    dispose,
    manifest.trainableTop &&
      (async ({ data, dims }) => {
        const top = manifest.trainableTop as TrainableTop;
        const cut = resolveCutLayer(manifest, top.cut);
        const output = resolveCutLayer(manifest, top.output);
        const batch = tf.tensor4d(data, [...dims]);
        try {
          const [maps, embeddings] = tf.tidy(() => {
            const [map, pooled] = forward(batch, [cut, output]) as [tf.Tensor, tf.Tensor];
            return [
              tf.reshape(map, [dims[0], -1]) as tf.Tensor2D,
              l2Normalize(poolLayerOutput(pooled, output)),
            ];
          });
          return { maps: await toVectors(maps), embeddings: await toVectors(embeddings) };
        } finally {
          batch.dispose();
        }
      }),
  );
}
