/**
 * Bytes for a training checkpoint: any plain JSON value whose Float64Arrays are kept exactly.
 * Layout (little-endian): "EACK" | u32 header length H | H bytes of UTF-8 JSON, where each array is
 * replaced by {"$f64": [start, length]} (in elements) | zero padding to 8 | the float64 arrays, concatenated.
 * Infinity and NaN, which JSON cannot hold, become {"$number": "Infinity"}.
 * Lossless, unlike the float32 head container: a resumed fit must continue bit for bit.
 */

const MAGIC = 0x4b434145; // "EACK"
const PREFIX_BYTES = 8;

export function encodeCheckpoint(value: unknown): Uint8Array {
  const arrays: Float64Array[] = [];
  let total = 0;
  const json = new TextEncoder().encode(
    JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === "number" && !Number.isFinite(item)) return { $number: String(item) };
      if (!(item instanceof Float64Array)) return item;
      arrays.push(item);
      total += item.length;
      return { $f64: [total - item.length, item.length] };
    }),
  );
  const bodyOffset = align8(PREFIX_BYTES + json.length);
  const bytes = new Uint8Array(bodyOffset + 8 * total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, json.length, true);
  bytes.set(json, PREFIX_BYTES);
  const body = new Float64Array(bytes.buffer, bodyOffset, total);
  let offset = 0;
  for (const array of arrays) {
    body.set(array, offset);
    offset += array.length;
  }
  return bytes;
}

export function decodeCheckpoint<T>(bytes: Uint8Array): T {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < PREFIX_BYTES || view.getUint32(0, true) !== MAGIC) {
    throw new Error("checkpoint: bad magic bytes");
  }
  const headerLength = view.getUint32(4, true);
  const bodyOffset = align8(PREFIX_BYTES + headerLength);
  // Copied so that the float64 view is aligned whatever the source buffer's offset.
  const body = new Float64Array(bytes.slice(bodyOffset).buffer);
  const header = new TextDecoder().decode(
    bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength),
  );
  return JSON.parse(header, (_key, item: unknown) => {
    const special = (item as { $number?: string } | null)?.$number;
    if (typeof special === "string") return Number(special);
    const ref = (item as { $f64?: [number, number] } | null)?.$f64;
    if (!Array.isArray(ref)) return item;
    const [start, length] = ref;
    return body.slice(start, start + length);
  }) as T;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
