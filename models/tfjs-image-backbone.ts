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
import type { BackboneManifest, TrainableTop } from "./manifest";

/** Runs the network on a preprocessed [N, H, W, 3] batch and returns these nodes' raw outputs. */
export type ForwardToNodes = (batch: tf.Tensor4D, nodes: string[]) => tf.Tensor[];

export function tfjsImageBackbone(
  manifest: BackboneManifest,
  forward: ForwardToNodes,
  dispose: () => void,
): Backbone {
  return imageBackbone(
    manifest,
    async ({ data, dims }, layers) => {
      const batch = tf.tensor4d(data, [...dims]);
      try {
        // Layers that pool one node differently (block16, block16-grid) share its output.
        const nodes = [...new Set(layers.map((layer) => layer.node))];
        const rows = tf.tidy(() => {
          const outputs = forward(batch, nodes);
          return layers.map((layer) => {
            const output = outputs[nodes.indexOf(layer.node)] as tf.Tensor;
            return l2Normalize(poolLayerOutput(output, layer));
          });
        });
        try {
          const vectors: Float32Array[][] = [];
          for (const layerRows of rows) vectors.push(await toVectors(layerRows));
          return vectors;
        } finally {
          // toVectors disposes each; a failed read leaves the later ones (disposing twice is safe).
          for (const layerRows of rows) layerRows.dispose();
        }
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
            const [map, pooled] = forward(batch, [cut.node, output.node]) as [tf.Tensor, tf.Tensor];
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
