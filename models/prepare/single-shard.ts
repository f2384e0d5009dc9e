/** Rewriting a graph model so that all its weights live in one `weights.bin`. */

import type { GraphModelJson, WeightSpec } from "./extract";

export const WEIGHTS_FILE = "weights.bin";

const BYTES_PER_ELEMENT: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes a weight occupies in the shards: the quantised dtype when quantised, else its own dtype. */
function storedBytes(spec: WeightSpec): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const perElement = BYTES_PER_ELEMENT[dtype];
  if (perElement === undefined)
    throw new Error(`weight ${spec.name}: unsupported stored dtype ${dtype}`);
  return spec.shape.reduce((count, size) => count * size, 1) * perElement;
}

/** Values in all weight tensors: the model's parameters (plus any constant tensors a graph keeps). */
export function parameterCount(model: GraphModelJson): number {
  return model.weightsManifest
    .flatMap((group) => group.weights)
    .reduce((total, spec) => total + spec.shape.reduce((count, size) => count * size, 1), 0);
}

/**
 * tfjs reads a weights manifest as one byte stream: groups in order, each group's paths in order, the
 * specs laid end to end. Concatenating the shards in that order and listing all specs in one group
 * therefore keeps every offset, and the specs (with their quantisation) are kept verbatim.
 */
export function toSingleShard(
  model: GraphModelJson,
  shards: readonly Uint8Array[],
): { model: GraphModelJson; weights: Uint8Array } {
  const specs = model.weightsManifest.flatMap((group) => group.weights);
  const expectedBytes = specs.reduce((total, spec) => total + storedBytes(spec), 0);
  const weights = new Uint8Array(shards.reduce((total, shard) => total + shard.byteLength, 0));
  let offset = 0;
  for (const shard of shards) {
    weights.set(shard, offset);
    offset += shard.byteLength;
  }
  if (weights.byteLength !== expectedBytes) {
    throw new Error(
      `shards hold ${weights.byteLength} bytes but the weight specs need ${expectedBytes}`,
    );
  }
  return {
    model: { ...model, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }] },
    weights,
  };
}
