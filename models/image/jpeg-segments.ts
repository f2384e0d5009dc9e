/**
 * A JPEG's marker segments, walked once for every reader of its headers (its frame size, its EXIF
 * orientation, its scans): FF xx, then a big-endian length that includes itself. A scan's
 * entropy-coded data follows its header without a length, up to the next marker. The walk stops at
 * the end of the image, or at bytes that are not a marker (a malformed file, left to the decoder).
 */

export const START_OF_SCAN = 0xda;
const END_OF_IMAGE = 0xd9;

export interface JpegSegment {
  marker: number;
  /** Where its payload starts (after the length). */
  start: number;
  /** Where it ends, as its length says (past the end of a truncated file). */
  end: number;
}

export function* jpegSegments(bytes: Uint8Array): Generator<JpegSegment> {
  let offset = 2;
  while (offset + 4 <= bytes.byteLength && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1] as number;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === END_OF_IMAGE) return;
    const end = offset + 2 + (((bytes[offset + 2] as number) << 8) | (bytes[offset + 3] as number));
    yield { marker, start: offset + 4, end };
    offset = marker === START_OF_SCAN ? endOfEntropyCodedData(bytes, end) : end;
  }
}

/**
 * Where a scan's coded data ends: at the next marker. Inside it, FF is followed by 00 (a stuffed FF
 * byte), a restart marker (D0–D7) or another FF (fill).
 */
function endOfEntropyCodedData(bytes: Uint8Array, start: number): number {
  let offset = start;
  while (offset + 1 < bytes.byteLength) {
    if (bytes[offset] === 0xff) {
      const next = bytes[offset + 1] as number;
      const inData = next === 0x00 || (next >= 0xd0 && next <= 0xd7);
      if (!inData && next !== 0xff) return offset;
      offset += inData ? 2 : 1;
    } else {
      offset += 1;
    }
  }
  return bytes.byteLength;
}
