/**
 * MobileNetV2 1.4 image backbone (nsfwjs mobilenet_v2_mid) on tfjs. Each image is centre-cropped and
 * bilinearly resized to 224×224 in TS, scaled to [0,1] (the graph maps that to [-1,1] itself), and the
 * graph is run up to the chosen cut layer only, so nsfwjs's 5-class head is never evaluated.
 * The same weights run on onnxruntime as `mobilenet-v2-onnx` (./onnx.ts) and `mobilenet-v2-auto`.
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Backbone, BackboneDefinition, ModelFiles } from "../backbone";
import {
  inputNode,
  l2Normalize,
  loadPreparedGraphModel,
  poolLayerOutput,
  resolveCutLayer,
  toVectors,
} from "../graph-model";
import { imageBatch, imagesOf } from "../image-backbone";
import type { BackboneManifest } from "../manifest";
import { manifest } from "./manifest";

export { manifest };

/** The tfjs graph model of `forManifest` (this manifest or one of its runtime variants). */
export async function loadTfjs(
  files: ModelFiles,
  forManifest: BackboneManifest = manifest,
): Promise<Backbone> {
  const model = await loadPreparedGraphModel(files, forManifest);
  const inputName = inputNode(forManifest, 0);
  return {
    manifest: forManifest,
    async embed(inputs, options) {
      const layer = resolveCutLayer(forManifest, options?.layer);
      const images = imagesOf(forManifest, inputs);
      if (images.length === 0) return [];
      const { data, dims } = imageBatch(forManifest, images);
      const batch = tf.tensor4d(data, [...dims]);
      try {
        const rows = tf.tidy(() => {
          const output = model.execute({ [inputName]: batch }, layer.node) as tf.Tensor;
          return l2Normalize(poolLayerOutput(output, layer));
        });
        return await toVectors(rows);
      } finally {
        batch.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}

export const mobilenetV2: BackboneDefinition = { manifest, load: (files) => loadTfjs(files) };
