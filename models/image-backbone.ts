/**
 * What every image backbone shares, whatever runs it: picking the images out of a batch of inputs,
 * and turning them into the preprocessed NHWC float32 batch its manifest describes.
 */

import {
  type Backbone,
  type BackboneInput,
  type CutActivations,
  embedAtOneLayer,
} from "./backbone";
import { resolveCutLayer } from "./cut-layer";
import { cropAndResize } from "./image/resize";
import type { RgbImage } from "./image/rgb-image";
import { InputError } from "./input-error";
import type { BackboneManifest, CutLayer } from "./manifest";
import { SpareFloats } from "./spare-floats";

export interface ImageBatch {
  /** [N, height, width, 3], row-major. */
  readonly data: Float32Array;
  readonly dims: readonly [number, number, number, 3];
}

export function imagesOf(manifest: BackboneManifest, inputs: BackboneInput[]): RgbImage[] {
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

function imagePreprocessing(manifest: BackboneManifest) {
  const { preprocessing } = manifest;
  if (preprocessing.kind !== "image") throw new Error(`${manifest.id} is not an image backbone`);
  if (preprocessing.resize.width !== preprocessing.resize.height) {
    throw new Error(`${manifest.id}: the centre-square crop needs a square resize`);
  }
  return { size: preprocessing.resize.width, divisor: preprocessing.scale.divisor };
}

/**
 * Each image centre-cropped and resized (bilinear, in float) to the manifest's input size straight
 * into its slot of the batch, then value / divisor. Done per forward batch, so inputs wait as decoded
 * 8-bit pixels, which a request's pixel budget bounds, rather than as floats at the model's size. An
 * image already at that size is copied as it is: the resize would be the identity (half-pixel centres
 * land on the pixels). The division is done here in float32, exactly as tfjs's wasm `div` rounds it,
 * so both runtimes see the same bits. Every value of `data` (batchLength floats) is overwritten.
 */
export function imageBatch(
  manifest: BackboneManifest,
  images: RgbImage[],
  data: Float32Array = new Float32Array(batchLength(manifest, images.length)),
): ImageBatch {
  const { size, divisor } = imagePreprocessing(manifest);
  const pixels = size * size * 3;
  if (data.length !== images.length * pixels) throw new Error("the batch array has the wrong size");
  images.forEach((image, index) => {
    const slot = data.subarray(index * pixels, (index + 1) * pixels);
    if (image.width === size && image.height === size) slot.set(image.data);
    else cropAndResize(image, size, slot);
  });
  for (let i = 0; i < data.length; i++) data[i] = (data[i] ?? 0) / divisor;
  return { data, dims: [images.length, size, size, 3] };
}

/** Floats in a preprocessed batch of `count` images. */
function batchLength(manifest: BackboneManifest, count: number): number {
  const { size } = imagePreprocessing(manifest);
  return count * size * size * 3;
}

/**
 * Runs the network once on a preprocessed batch: per layer of `layers`, one L2-normalised vector
 * per image.
 */
export type ImageVectors = (batch: ImageBatch, layers: CutLayer[]) => Promise<Float32Array[][]>;

/** Runs the network on a preprocessed batch to both ends of its trainable top. */
export type ImageCutActivations = (batch: ImageBatch) => Promise<CutActivations>;

/**
 * An image backbone from its runtime's forward pass: resolves the cut layer and preprocesses first,
 * into a batch array it keeps from one pass to the next (SpareFloats).
 */
export function imageBackbone(
  manifest: BackboneManifest,
  vectorsOf: ImageVectors,
  dispose: () => void,
  cutActivationsOf?: ImageCutActivations,
): Backbone {
  const batches = new SpareFloats();
  const preprocessed = <T>(images: RgbImage[], run: (batch: ImageBatch) => Promise<T>) =>
    batches.lend(batchLength(manifest, images.length), (data) =>
      run(imageBatch(manifest, images, data)),
    );
  const embedLayers: Backbone["embedLayers"] = async (inputs, names) => {
    const layers = names.map((name) => resolveCutLayer(manifest, name));
    const images = imagesOf(manifest, inputs);
    if (images.length === 0) return layers.map(() => []);
    return preprocessed(images, (batch) => vectorsOf(batch, layers));
  };
  return {
    ...(cutActivationsOf && {
      async embedWithCut(inputs: BackboneInput[]) {
        const images = imagesOf(manifest, inputs);
        if (images.length === 0) return { maps: [], embeddings: [] };
        return preprocessed(images, cutActivationsOf);
      },
    }),
    manifest,
    embed: embedAtOneLayer(manifest, embedLayers),
    embedLayers,
    dispose,
  };
}
