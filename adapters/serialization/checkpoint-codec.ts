/**
 * Bytes for a training checkpoint: any plain JSON value whose Float64Arrays and Float32Arrays are
 * kept exactly. Layout (little-endian): "EACK" | u32 header length H | H bytes of UTF-8 JSON, where
 * each array is replaced by {"$f64": [start, length]} or {"$f32": [start, length]} (in elements) |
 * zero padding to 8 | the float64 arrays, concatenated | the float32 arrays, concatenated.
 * Infinity and NaN, which JSON cannot hold, become {"$number": "Infinity"}.
 * Lossless, unlike the float32 head container: a resumed fit must continue bit for bit (a fit whose
 * state is float32, as the finetune's, stores it as float32, half the bytes).
 */

const MAGIC = 0x4b434145; // "EACK"
const PREFIX_BYTES = 8;

export function encodeCheckpoint(value: unknown): Uint8Array {
  const doubles: Float64Array[] = [];
  const singles: Float32Array[] = [];
  let doubleCount = 0;
  let singleCount = 0;
  const json = new TextEncoder().encode(
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === "number" && !Number.isFinite(item)) return { $number: String(item) };
      if (item instanceof Float64Array) {
        doubles.push(item);
        doubleCount += item.length;
        return { $f64: [doubleCount - item.length, item.length] };
      }
      if (item instanceof Float32Array) {
        singles.push(item);
        singleCount += item.length;
        return { $f32: [singleCount - item.length, item.length] };
      }
      return item;
    }),
  );
  const bodyOffset = align8(PREFIX_BYTES + json.length);
  const bytes = new Uint8Array(bodyOffset + 8 * doubleCount + 4 * singleCount);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  bytes.set(json, PREFIX_BYTES);
  concatenate(new Float64Array(bytes.buffer, bodyOffset, doubleCount), doubles);
  concatenate(new Float32Array(bytes.buffer, bodyOffset + 8 * doubleCount, singleCount), singles);
  return bytes;
}

export function decodeCheckpoint<T>(bytes: Uint8Array): T {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < PREFIX_BYTES || view.getUint32(0, true) !== MAGIC) {
    throw new Error("checkpoint: bad magic bytes");
  }
  const headerLength = view.getUint32(4, true);
  const bodyOffset = align8(PREFIX_BYTES + headerLength);
  const header = new TextDecoder().decode(
    bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength),
  );
  // The float32 body starts where the float64 one ends, which its refs tell (a first, plain parse).
  let doubleCount = 0;
  JSON.parse(header, (_key, item: unknown) => {
    const ref = (item as { $f64?: [number, number] } | null)?.$f64;
    if (Array.isArray(ref)) doubleCount = Math.max(doubleCount, ref[0] + ref[1]);
    return item;
  });
  // Copied so that the views are aligned whatever the source buffer's offset.
  const doubles = new Float64Array(bytes.slice(bodyOffset, bodyOffset + 8 * doubleCount).buffer);
  const singles = new Float32Array(bytes.slice(bodyOffset + 8 * doubleCount).buffer);
  return JSON.parse(header, (_key, item: unknown) => {
    const { $number, $f64, $f32 } = (item ?? {}) as {
      $number?: string;
      $f64?: [number, number];
      $f32?: [number, number];
    };
    if (typeof $number === "string") return Number($number);
    if (Array.isArray($f64)) return doubles.slice($f64[0], $f64[0] + $f64[1]);
    if (Array.isArray($f32)) return singles.slice($f32[0], $f32[0] + $f32[1]);
    return item;
  }) as T;
}

function concatenate(target: Float32Array | Float64Array, arrays: (Float32Array | Float64Array)[]) {
  let offset = 0;
  for (const array of arrays) {
    target.set(array, offset);
    offset += array.length;
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
