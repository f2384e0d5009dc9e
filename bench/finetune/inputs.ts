/**
 * The finetune bench's samples: the first N training images of each Fashion-MNIST class (the file is
 * shuffled) and the first T test images, with their cut activations and embeddings from the cache.
 */

import { decodeActivationsInto } from "../../adapters/finetune/activation-codec";
import type { CutActivationSource } from "../../adapters/finetune/activation-source";
import type { RgbImage } from "../../models";
import { fashionMnist } from "../datasets/fashion-mnist";
import { type CutSample, type CutShape, cachedCutSamples } from "./cut-cache";
import type { CutNetwork } from "./cut-network";

export interface LabelledCutSamples {
  samples: CutSample[];
  labels: string[];
}

export interface FinetuneInputs {
  shape: CutShape;
  /** The kept training samples, and for each class (FASHION_LABELS order) their positions in it. */
  train: LabelledCutSamples & { perClass: number[][] };
  test: LabelledCutSamples;
}

export async function finetuneInputs(
  network: CutNetwork,
  perClass: number,
  testCount: number,
): Promise<FinetuneInputs> {
  const { manifest } = network;
  const top = manifest.trainableTop;
  const cut = manifest.cutLayers.find((layer) => layer.name === top?.cut);
  const [, height = 0, width = 0, channels = 0] = cut?.shape ?? [];
  const shape = { positions: height * width, channels, dim: manifest.output.dim };

  const pool = await fashionMnist("train", Math.ceil(perClass * 10 * 1.4) + 200);
  const byClass = new Map<string, number[]>();
  pool.labels.forEach((label, i) => {
    const members = byClass.get(label) ?? [];
    if (members.length < perClass) members.push(i);
    byClass.set(label, members);
  });
  const kept = [...byClass.values()].flat().sort((a, b) => a - b);
  const trainCache = await cachedCutSamples(
    network,
    shape,
    "train",
    kept,
    (i) => pool.images[i] as RgbImage,
  );
  const position = new Map(kept.map((i, j) => [i, j]));

  const testImages = await fashionMnist("test", testCount);
  const testIndices = testImages.labels.map((_, i) => i);
  const testCache = await cachedCutSamples(
    network,
    shape,
    "test",
    testIndices,
    (i) => testImages.images[i] as RgbImage,
  );
  return {
    shape,
    train: {
      samples: kept.map((i) => trainCache.get(i) as CutSample),
      labels: kept.map((i) => pool.labels[i] as string),
      perClass: [...byClass.values()].map((members) =>
        members.map((i) => position.get(i) as number),
      ),
    },
    test: {
      samples: testIndices.map((i) => testCache.get(i) as CutSample),
      labels: testImages.labels,
    },
  };
}

/** Samples as a CutActivationSource that decodes the int8 maps on each read, as the job's does. */
export function cachedSource(samples: readonly CutSample[], shape: CutShape): CutActivationSource {
  const length = shape.positions * shape.channels;
  return {
    sampleLength: length,
    read(indices, out) {
      for (let r = 0; r < indices.length; r++) {
        const sample = samples[indices[r] as number] as CutSample;
        decodeActivationsInto(sample.map, shape.positions, shape.channels, out, r * length);
      }
    },
  };
}
