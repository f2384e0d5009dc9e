/**
 * A PNG's header gives its size, but its zlib streams can inflate to far more: a 200 KB file of a
 * 1×1 image whose data inflates to 200 MB passes every header check, and fast-png inflates the data
 * (and any embedded colour profile) whole before it looks at it. This inflates them first as a
 * stream, counting and dropping the output, and refuses the file as soon as a stream passes what
 * its header allows. A stream that is merely broken is left to the decoder to report.
 */

import { ImageError } from "./image-error";

/** Samples per pixel by IHDR colour type: grey, RGB, palette index, grey+alpha, RGBA. */
const CHANNELS = new Map([
  [0, 1],
  [2, 3],
  [3, 1],
  [4, 2],
  [6, 4],
]);
/** An embedded ICC profile (iCCP) is never used; real ones are well under this. */
const MAX_PROFILE_BYTES = 1024 * 1024;
const SIGNATURE_BYTES = 8;
/**
 * Compressed bytes written at a time. Deflate inflates at most ~1032:1 and each write waits for the
 * output to be read, so the stream holds about 1 MB of uncounted output at most; written whole, a
 * 1 MB bomb filled workerd with 1.3 GB before the first read.
 */
const SLICE_BYTES = 1024;

interface Chunk {
  type: string;
  data: Uint8Array;
}

function* chunksOf(bytes: Uint8Array): Generator<Chunk> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = SIGNATURE_BYTES;
  while (offset + 8 <= bytes.byteLength) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const start = offset + 8;
    yield { type, data: bytes.subarray(start, Math.min(start + length, bytes.byteLength)) };
    if (type === "IEND") return;
    offset = start + length + 4; // + CRC
  }
}

/**
 * Filtered scanline bytes the header allows: a filter byte per row, and for Adam7 interlacing up to
 * one more filter byte and one rounding byte per row of each pass (under 2 rows per image row).
 */
function maxImageBytes(ihdr: Uint8Array): number {
  const view = new DataView(ihdr.buffer, ihdr.byteOffset, ihdr.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const depth = ihdr[8] ?? 16;
  const channels = CHANNELS.get(ihdr[9] ?? 6) ?? 4;
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  return height * (rowBytes + 1) + 4 * height + 16;
}

/** Inflates a zlib stream, dropping its output; false once it passes `limit` bytes. */
async function inflatesWithin(parts: Uint8Array[], limit: number): Promise<boolean> {
  const stream = new DecompressionStream("deflate");
  const writer = stream.writable.getWriter();
  const writing = (async () => {
    for (const part of parts) {
      for (let start = 0; start < part.byteLength; start += SLICE_BYTES) {
        await writer.write(part.subarray(start, start + SLICE_BYTES));
      }
    }
    await writer.close();
  })().catch(() => undefined);
  const reader = stream.readable.getReader();
  let total = 0;
  try {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      total += chunk.value.byteLength;
      if (total > limit) {
        await reader.cancel();
        return false;
      }
    }
    return true;
  } catch {
    return true; // broken, not oversized: the decoder reports it as corrupt
  } finally {
    await writing;
  }
}

/** The profile's zlib data follows its name (1–79 bytes), a NUL and the compression method byte. */
function profileStream(iccp: Uint8Array): Uint8Array {
  return iccp.subarray(iccp.indexOf(0) + 2);
}

/** Refuses a PNG whose image data or colour profile inflates past what its header allows. */
export async function checkPngInflation(bytes: Uint8Array): Promise<void> {
  let limit = 0;
  const image: Uint8Array[] = [];
  for (const { type, data } of chunksOf(bytes)) {
    if (type === "IHDR") limit = maxImageBytes(data);
    if (type === "IDAT") image.push(data);
    if (type === "iCCP" && !(await inflatesWithin([profileStream(data)], MAX_PROFILE_BYTES))) {
      throw new ImageError(
        "corrupt-image",
        `the png colour profile inflates to more than ${MAX_PROFILE_BYTES} bytes`,
        "png",
      );
    }
  }
  if (!(await inflatesWithin(image, limit))) {
    throw new ImageError(
      "corrupt-image",
      `the png image data inflates to more than its header's size allows (${limit} bytes)`,
      "png",
    );
  }
}
