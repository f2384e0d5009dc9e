/**
 * MobileNetV2 1.4 image backbone (nsfwjs mobilenet_v2_mid). Each image is centre-cropped and
 * bilinearly resized to 224×224 in TS, scaled to [0,1] (the graph maps that to [-1,1] itself), and the
 * graph is run up to the chosen cut layer only, so nsfwjs's 5-class head is never evaluated.
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Backbone, BackboneDefinition, BackboneInput, ModelFiles } from "../backbone";
import {
  inputNode,
  l2Normalize,
  loadPreparedGraphModel,
  poolLayerOutput,
  resolveCutLayer,
  toVectors,
} from "../graph-model";
import { cropAndResize } from "../image/resize";
import type { RgbImage } from "../image/rgb-image";
import { InputError } from "../input-error";
import { BackboneManifestSchema } from "../manifest";
import manifestJson from "./manifest.json";

export const manifest = BackboneManifestSchema.parse(manifestJson);

if (manifest.preprocessing.kind !== "image")
  throw new Error("mobilenet-v2 must be an image backbone");
const { resize, scale } = manifest.preprocessing;
const inputName = inputNode(manifest, 0);

function imagesOf(inputs: BackboneInput[]): RgbImage[] {
  return inputs.map((input, index) => {
    if (input.kind !== "image") {
      throw new InputError(
        "wrong-modality",
        `${manifest.id} embeds images; input ${index} is ${input.kind}`,
        index,
      );
    }
    return input.image;
  });
}

/** [N, 224, 224, 3] float32 in [0, 1]. */
function toBatch(images: RgbImage[]): tf.Tensor4D {
  const pixels = resize.width * resize.height * 3;
  const batch = new Float32Array(images.length * pixels);
  images.forEach((image, index) => {
    batch.set(cropAndResize(image, resize.width), index * pixels);
  });
  return tf.tidy(() =>
    tf.div(tf.tensor4d(batch, [images.length, resize.height, resize.width, 3]), scale.divisor),
  );
}

export async function load(files: ModelFiles): Promise<Backbone> {
  const model = await loadPreparedGraphModel(files, manifest);
  return {
    manifest,
    async embed(inputs, options) {
      const layer = resolveCutLayer(manifest, options?.layer);
      const images = imagesOf(inputs);
      if (images.length === 0) return [];
      const batch = toBatch(images);
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

export const mobilenetV2: BackboneDefinition = { manifest, load };
