import { HeadInputError } from "../errors";

/**
 * Byte layout of a serialized head (little-endian):
 *   "EAHD" | u32 format version | u32 header length H | H bytes UTF-8 JSON | zero padding to 4 |
 *   float32 arrays, concatenated in the order the header lists them.
 * The JSON header keeps the format self-describing; the float32 body keeps it compact.
 */
const MAGIC = "EAHD";
export const FORMAT_VERSION = 1;
const PREFIX_BYTES = 12;

export interface Container {
  header: Record<string, unknown> & { arrays?: never };
  arrays: { name: string; values: Float32Array }[];
}

export function encodeContainer({ header, arrays }: Container): Uint8Array {
  const json = new TextEncoder().encode(
    JSON.stringify({
      ...header,
      arrays: arrays.map(({ name, values }) => ({ name, length: values.length })),
    }),
  );
  const bodyOffset = align4(PREFIX_BYTES + json.length);
  const totalFloats = arrays.reduce((sum, a) => sum + a.values.length, 0);
  const bytes = new Uint8Array(bodyOffset + 4 * totalFloats);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(4, FORMAT_VERSION, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, PREFIX_BYTES);
  let offset = bodyOffset;
  for (const { values } of arrays) {
    for (const v of values) {
      view.setFloat32(offset, v, true);
      offset += 4;
    }
  }
  return bytes;
}

export interface DecodedContainer {
  header: Record<string, unknown>;
  arrays: Map<string, Float32Array>;
}

export function decodeContainer(bytes: Uint8Array): DecodedContainer {
  if (!(bytes instanceof Uint8Array) || bytes.length < PREFIX_BYTES)
    corrupt("shorter than its prefix");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC) corrupt("bad magic bytes");
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) corrupt(`unsupported format version ${version}`);
  const headerLength = view.getUint32(8, true);
  if (PREFIX_BYTES + headerLength > bytes.length) corrupt("header runs past the end");
  const header = parseHeader(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength));
  const listed = header.arrays;
  if (!Array.isArray(listed)) corrupt("header lists no arrays");
  const arrays = new Map<string, Float32Array>();
  let offset = align4(PREFIX_BYTES + headerLength);
  for (const entry of listed as { name?: unknown; length?: unknown }[]) {
    const { name, length } = entry ?? {};
    if (typeof name !== "string" || !Number.isInteger(length) || (length as number) < 0)
      corrupt("bad array entry");
    const values = new Float32Array(length as number);
    if (offset + 4 * values.length > bytes.length) corrupt(`array "${name}" runs past the end`);
    for (let j = 0; j < values.length; j++) values[j] = view.getFloat32(offset + 4 * j, true);
    offset += 4 * values.length;
    arrays.set(name as string, values);
  }
  if (offset !== bytes.length) corrupt(`${bytes.length - offset} trailing bytes`);
  return { header, arrays };
}

function parseHeader(json: Uint8Array): Record<string, unknown> {
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(json));
    if (typeof header === "object" && header !== null && !Array.isArray(header)) {
      return header as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  return corrupt("header is not a JSON object");
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

export function corrupt(problem: string): never {
  throw new HeadInputError("corrupt-head", `serialized head: ${problem}`);
}
