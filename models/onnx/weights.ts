/**
 * Decodes a tfjs weights manifest into named constant tensors, exactly as tfjs-core's
 * `io.decodeWeights` does: uint8/uint16 weights are dequantised affinely (q·scale + min, in double
 * precision, then stored as float32), float16 ones widened. Or, for float weights the manifest
 * quantises, the stored codes as they are, for the graph to dequantise (graph-builder.ts): a quarter
 * of the bytes, and no float copy of every weight while the graph is built.
 */

import type { TfWeightGroup, TfWeightSpec } from "./tfjs-graph";

/** value = code·scale + min, as tfjs computes it. */
export interface AffineQuantization {
  readonly min: number;
  readonly scale: number;
}

export interface ConstTensor {
  readonly dtype: "float32" | "int32";
  readonly shape: readonly number[];
  /** The values, or the stored codes when `quantization` is set. */
  readonly data: Float32Array | Int32Array | Uint8Array;
  /** Set on float32 weights kept as their uint8 codes. */
  readonly quantization?: AffineQuantization;
}

/**
 * How float32 weights that the manifest stores quantised reach the graph: as float32 values (what
 * the prepared model.onnx files hold, their sha256 pinned), or, for uint8 ones, as the stored codes
 * (uint16 and float16 ones are still widened to float32).
 */
export type WeightStorage = "float32" | "as-stored";

/** `weightData` is all weight files of the manifest concatenated in manifest order. */
export function decodeWeights(
  manifest: readonly TfWeightGroup[],
  weightData: ArrayBuffer,
  storage: WeightStorage = "float32",
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
    const tensor =
      storage === "as-stored" ? storedCodes(spec, weightData, offset, size) : undefined;
    tensors.set(
      spec.name,
      tensor ?? decodeOne(spec, weightData.slice(offset, offset + byteLength)),
    );
    offset += byteLength;
  }
  return tensors;
}

/** A float32 weight stored as uint8 codes, as a view of `weightData` (no copy); else undefined. */
function storedCodes(
  spec: TfWeightSpec,
  weightData: ArrayBuffer,
  offset: number,
  size: number,
): ConstTensor | undefined {
  if (spec.dtype !== "float32" || spec.quantization?.dtype !== "uint8") return undefined;
  const data = new Uint8Array(weightData, offset, size);
  return { dtype: "float32", shape: spec.shape, data, quantization: affine(spec) };
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
  if (spec.dtype === "float32") {
    return { dtype: "float32", shape: spec.shape, data: floatValues(spec, bytes) };
  }
  // Integer (and bool) constants are small: shapes, axes, flags.
  const stored =
    spec.quantization !== undefined
      ? floatValues(spec, bytes)
      : spec.dtype === "int32"
        ? new Int32Array(bytes)
        : new Uint8Array(bytes);
  return { dtype: "int32", shape: spec.shape, data: Int32Array.from(stored, Math.round) };
}

/**
 * Weights straight into a Float32Array: each value is computed in double precision and rounded once
 * on store, as tfjs does, with no intermediate array (an export converts MobileNetV2 inside a
 * 128 MB isolate, where millions of boxed doubles of garbage count).
 */
function floatValues(spec: TfWeightSpec, bytes: ArrayBuffer): Float32Array {
  const q = spec.quantization;
  if (q === undefined) return new Float32Array(bytes);
  if (q.dtype === "float16") return Float32Array.from(new Uint16Array(bytes), halfToFloat);
  const { min, scale } = affine(spec);
  const quantised = q.dtype === "uint8" ? new Uint8Array(bytes) : new Uint16Array(bytes);
  return Float32Array.from(quantised, (v) => v * scale + min);
}

function affine(spec: TfWeightSpec): AffineQuantization {
  const { min, scale } = spec.quantization ?? {};
  if (min === undefined || scale === undefined) {
    throw new Error(`weight '${spec.name}' is quantised without min/scale`);
  }
  return { min, scale };
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
