/**
 * A progressive JPEG codes its image in scans, and a decoder walks every block of a component in
 * each one. Nothing in the format bounds their number: a 4 MB file of 340,000 twelve-byte scans (each
 * an end-of-band run over the whole image) passes every size check and keeps jpeg-js busy for about
 * 13 s, during which the isolate serves nothing else. Encoders write about 10 (libjpeg's default
 * script) and rarely a few dozen, so a file with more than MAX_SCANS is refused before it is decoded,
 * as libjpeg-turbo lets a caller do (TJPARAM_SCANLIMIT, whose documentation suggests 500).
 */

import { ImageError } from "./image-error";

export const MAX_JPEG_SCANS = 500;

const START_OF_SCAN = 0xda;
const END_OF_IMAGE = 0xd9;

/** Refuses a JPEG with more than MAX_JPEG_SCANS scans; a malformed one is left to the decoder. */
export function checkJpegScans(bytes: Uint8Array): void {
  let scans = 0;
  let offset = 2;
  while (offset + 4 <= bytes.byteLength && bytes[offset] === 0xff) {
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === END_OF_IMAGE) return;
    offset += 2 + (((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0));
    if (marker !== START_OF_SCAN) continue;
    if (++scans > MAX_JPEG_SCANS) {
      throw new ImageError(
        "corrupt-image",
        `the jpeg file has more than ${MAX_JPEG_SCANS} scans; encoders write a few dozen at most`,
        "jpeg",
      );
    }
    offset = endOfEntropyCodedData(bytes, offset);
  }
}

/**
 * Where the scan's coded data ends: at the next marker. Inside it, FF is followed by 00 (a stuffed
 * FF byte), a restart marker (D0–D7) or another FF (fill).
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
