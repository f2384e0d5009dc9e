/**
 * A progressive JPEG codes its image in scans, and a decoder walks every block of a component in
 * each one. Nothing in the format bounds their number: a 4 MB file of 340,000 twelve-byte scans (each
 * an end-of-band run over the whole image) passes every size check and keeps jpeg-js busy for about
 * 13 s, during which the isolate serves nothing else. Encoders write about 10 (libjpeg's default
 * script) and rarely a few dozen, so a file with more than MAX_SCANS is refused before it is decoded,
 * as libjpeg-turbo lets a caller do (TJPARAM_SCANLIMIT, whose documentation suggests 500).
 *
 * The work is scans × blocks, so a large JPEG (decoded reduced, scaled-jpeg.ts) gets fewer: at most
 * as many block visits as 500 scans of a 512×512 image with three full components. 500 such scans of
 * a 4096×2048 grey JPEG (12 KB) kept the reduced decoder busy for 1 s; a real progressive photo
 * at the coefficient budget (10 scans, 130,000 blocks) needs a fifth of the allowance.
 */

import { ImageError } from "./image-error";
import { jpegSegments, START_OF_SCAN } from "./jpeg-segments";

export const MAX_JPEG_SCANS = 500;
export const MAX_JPEG_BLOCK_VISITS = MAX_JPEG_SCANS * 3 * (512 / 8) * (512 / 8);

/**
 * Refuses a JPEG with more than MAX_JPEG_SCANS scans, or more scans of its `blocks` than
 * MAX_JPEG_BLOCK_VISITS allows; a malformed one is left to the decoder.
 */
export function checkJpegScans(bytes: Uint8Array, blocks: number): void {
  const limit = Math.max(1, Math.min(MAX_JPEG_SCANS, Math.floor(MAX_JPEG_BLOCK_VISITS / blocks)));
  let scans = 0;
  for (const { marker } of jpegSegments(bytes)) {
    if (marker === START_OF_SCAN && ++scans > limit) {
      throw new ImageError(
        "corrupt-image",
        `the jpeg file has more than ${limit} scans${limit < MAX_JPEG_SCANS ? ` of its ${blocks} blocks` : ""}; encoders write a few dozen at most`,
        "jpeg",
      );
    }
  }
}
