/**
 * Decodes a tfjs weights manifest into named constant tensors, exactly as tfjs-core's
 * `io.decodeWeights` does: uint8/uint16 weights are dequantised affinely (q·scale + min, in double
 * precision, then stored as float32), float16 ones widened.
 */

import type { TfWeightGroup, TfWeightSpec } from "./tfjs-graph";

export interface ConstTensor {
  readonly dtype: "float32" | "int32";
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

/** `weightData` is all weight files of the manifest concatenated in manifest order. */
export function decodeWeights(
  manifest: readonly TfWeightGroup[],
  weightData: ArrayBuffer,
): Map<string, ConstTensor> {
  const tensors = new Map<string, ConstTensor>();
  let offset = 0;
  for (const spec of manifest.flatMap((group) => group.weights)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const byteLength = size * storedBytesPerElement(spec);
    if (offset + byteLength > weightData.byteLength) {
      throw new Error(
        `weight data ends before weight '${spec.name}' (needs ${offset + byteLength} bytes, has ${weightData.byteLength})`,
      );
    }
    tensors.set(spec.name, decodeOne(spec, weightData.slice(offset, offset + byteLength)));
    offset += byteLength;
  }
  return tensors;
}

function storedBytesPerElement(spec: TfWeightSpec): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  switch (stored) {
    case "uint8":
    case "bool":
      return 1;
    case "uint16":
    case "float16":
      return 2;
    case "float32":
    case "int32":
      return 4;
    default:
      throw new Error(`weight '${spec.name}' has unsupported dtype ${stored}`);
  }
}

function decodeOne(spec: TfWeightSpec, bytes: ArrayBuffer): ConstTensor {
  const values = storedValues(spec, bytes);
  const dtype = spec.dtype === "float32" ? "float32" : "int32";
  const data =
    dtype === "float32" ? Float32Array.from(values) : Int32Array.from(values, Math.round);
  return { dtype, shape: spec.shape, data };
}

function storedValues(spec: TfWeightSpec, bytes: ArrayBuffer): ArrayLike<number> {
  const q = spec.quantization;
  if (q === undefined) {
    if (spec.dtype === "float32") return new Float32Array(bytes);
    if (spec.dtype === "int32") return new Int32Array(bytes);
    return new Uint8Array(bytes);
  }
  if (q.dtype === "float16") return Array.from(new Uint16Array(bytes), halfToFloat);
  if (q.min === undefined || q.scale === undefined) {
    throw new Error(`weight '${spec.name}' is quantised without min/scale`);
  }
  const { min, scale } = q;
  const quantised = q.dtype === "uint8" ? new Uint8Array(bytes) : new Uint16Array(bytes);
  return Array.from(quantised, (v) => v * scale + min);
}

/** IEEE 754 binary16 → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
