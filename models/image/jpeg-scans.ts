/**
 * A progressive JPEG codes its image in scans, and a decoder walks every block of a component in
 * each one. Nothing in the format bounds their number: a 4 MB file of 340,000 twelve-byte scans (each
 * an end-of-band run over the whole image) passes every size check and keeps jpeg-js busy for about
 * 13 s, during which the isolate serves nothing else. Encoders write about 10 (libjpeg's default
 * script) and rarely a few dozen, so a file with more than MAX_SCANS is refused before it is decoded,
 * as libjpeg-turbo lets a caller do (TJPARAM_SCANLIMIT, whose documentation suggests 500).
 */

import { ImageError } from "./image-error";
import { jpegSegments, START_OF_SCAN } from "./jpeg-segments";

export const MAX_JPEG_SCANS = 500;

/** Refuses a JPEG with more than MAX_JPEG_SCANS scans; a malformed one is left to the decoder. */
export function checkJpegScans(bytes: Uint8Array): void {
  let scans = 0;
  for (const { marker } of jpegSegments(bytes)) {
    if (marker === START_OF_SCAN && ++scans > MAX_JPEG_SCANS) {
      throw new ImageError(
        "corrupt-image",
        `the jpeg file has more than ${MAX_JPEG_SCANS} scans; encoders write a few dozen at most`,
        "jpeg",
      );
    }
  }
}
