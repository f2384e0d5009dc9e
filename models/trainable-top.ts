/**
 * The pretrained weights of a backbone's trainable top (manifest `trainableTop`), read from the same
 * checksum-verified model.json + weights.bin the backbone loads: the starting point, and the L2-SP
 * anchor, of a "finetune" head. No tfjs: the weights manifest is parsed and dequantised here, so a
 * host can read them without a backend (and a test can compare them with what tfjs computes).
 */

import type { ModelFiles } from "./backbone";
import { InputError } from "./input-error";
import type { BackboneManifest, TrainableTop } from "./manifest";
import { readPreparedFile } from "./prepared-file";

/** A 1×1 convolution as a matrix product over positions: out[p] = kernel · x[p] + bias. */
export interface TopWeights {
  /** H·W of the cut feature map. */
  positions: number;
  inChannels: number;
  outChannels: number;
  /** outChannels × inChannels, row-major (one row per output channel), batch norm folded in. */
  kernel: Float32Array;
  bias: Float32Array;
}

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

interface WeightsManifestJson {
  weightsManifest: { weights: WeightEntry[] }[];
}

/** The declared top, or a 422-ready refusal naming the backbones that have one. */
export function requireTrainableTop(
  manifest: BackboneManifest,
  all: readonly BackboneManifest[],
): TrainableTop {
  if (manifest.trainableTop) return manifest.trainableTop;
  const withTop = all.filter((candidate) => candidate.trainableTop).map(({ id }) => id);
  throw new InputError(
    "no-trainable-top",
    `${manifest.id} declares no trainable top, so it cannot train a finetune head; backbones with one: ${withTop.join(", ")}`,
  );
}

export async function readTopWeights(
  files: ModelFiles,
  manifest: BackboneManifest,
): Promise<TopWeights> {
  const top = manifest.trainableTop;
  if (!top) throw new Error(`${manifest.id} declares no trainable top`);
  const [modelJson, weightData] = await Promise.all([
    readPreparedFile(files, manifest, "model.json"),
    readPreparedFile(files, manifest, "weights.bin"),
  ]);
  const json = JSON.parse(new TextDecoder().decode(modelJson)) as WeightsManifestJson;
  const weights = namedWeights(json, weightData, topWeightNames(top));
  const kernel = weights.get(top.conv.kernel) as { shape: number[]; values: Float32Array };
  const [kh, kw, inChannels = 0, outChannels = 0] = kernel.shape;
  if (kh !== 1 || kw !== 1) throw new Error(`${manifest.id}: the top's kernel is not 1×1`);
  const cut = manifest.cutLayers.find((layer) => layer.name === top.cut);
  const [, height = 0, width = 0] = cut?.shape ?? [];
  return {
    positions: height * width,
    inChannels,
    outChannels,
    ...foldedKernel(top, weights, inChannels, outChannels),
  };
}

function topWeightNames(top: TrainableTop): string[] {
  const { kernel, bias, batchNorm } = top.conv;
  return [
    kernel,
    ...(bias ? [bias] : []),
    ...(batchNorm
      ? [batchNorm.gamma, batchNorm.beta, batchNorm.movingMean, batchNorm.movingVariance]
      : []),
  ];
}

/**
 * Kernel transposed to one row per output channel; a following batch norm folded in:
 * s = γ / √(σ² + ε), kernel' = kernel · s, bias' = (bias − μ) · s + β.
 */
function foldedKernel(
  top: TrainableTop,
  weights: Map<string, { values: Float32Array }>,
  inChannels: number,
  outChannels: number,
) {
  const values = (name: string) => (weights.get(name) as { values: Float32Array }).values;
  const source = values(top.conv.kernel);
  const bias = top.conv.bias
    ? Float32Array.from(values(top.conv.bias))
    : new Float32Array(outChannels);
  const scale = new Float64Array(outChannels).fill(1);
  const { batchNorm } = top.conv;
  if (batchNorm) {
    const [gamma, beta, mean, variance] = [
      values(batchNorm.gamma),
      values(batchNorm.beta),
      values(batchNorm.movingMean),
      values(batchNorm.movingVariance),
    ];
    for (let o = 0; o < outChannels; o++) {
      const s = (gamma[o] as number) / Math.sqrt((variance[o] as number) + batchNorm.epsilon);
      scale[o] = s;
      bias[o] = ((bias[o] as number) - (mean[o] as number)) * s + (beta[o] as number);
    }
  }
  const kernel = new Float32Array(outChannels * inChannels);
  for (let c = 0; c < inChannels; c++) {
    for (let o = 0; o < outChannels; o++) {
      kernel[o * inChannels + c] = (source[c * outChannels + o] as number) * (scale[o] as number);
    }
  }
  return { kernel, bias };
}

/** Bytes per stored element: the quantised dtype when there is one, else the declared dtype. */
function storedBytes(entry: WeightEntry): number {
  const dtype = entry.quantization?.dtype ?? entry.dtype;
  const bytes: Record<string, number> = { uint8: 1, uint16: 2, float16: 2, float32: 4, int32: 4 };
  const size = bytes[dtype];
  if (size === undefined) throw new Error(`weight ${entry.name}: unsupported dtype ${dtype}`);
  return size;
}

/** The named weights as float32, dequantised (affine uint8/uint16: q · scale + min), from one shard. */
function namedWeights(json: WeightsManifestJson, data: ArrayBuffer, names: string[]) {
  const wanted = new Set(names);
  const found = new Map<string, { shape: number[]; values: Float32Array }>();
  let offset = 0;
  for (const entry of json.weightsManifest.flatMap((group) => group.weights)) {
    const count = entry.shape.reduce((product, n) => product * n, 1);
    const length = count * storedBytes(entry);
    if (wanted.has(entry.name)) {
      found.set(entry.name, { shape: entry.shape, values: decode(entry, data, offset, count) });
    }
    offset += length;
  }
  const missing = names.filter((name) => !found.has(name));
  if (missing.length > 0) throw new Error(`weights manifest lacks ${missing.join(", ")}`);
  return found;
}

function decode(entry: WeightEntry, data: ArrayBuffer, offset: number, count: number) {
  const { quantization } = entry;
  if (!quantization) {
    if (entry.dtype !== "float32") throw new Error(`weight ${entry.name}: not float32`);
    return new Float32Array(data.slice(offset, offset + 4 * count));
  }
  const { dtype, min, scale } = quantization;
  if ((dtype !== "uint8" && dtype !== "uint16") || min === undefined || scale === undefined) {
    throw new Error(`weight ${entry.name}: unsupported quantization ${dtype}`);
  }
  const quantised =
    dtype === "uint8"
      ? new Uint8Array(data, offset, count)
      : new Uint16Array(data.slice(offset, offset + 2 * count));
  return Float32Array.from(quantised, (q) => q * scale + min);
}
