/**
 * Progressive JPEGs with more scans than any encoder writes (a decoder walks every block in each
 * one) are refused before jpeg-js decodes them; real progressive files decode as before.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeImage, decodeUntrustedImage, ImageError } from "../../../models/image";
import { MAX_JPEG_SCANS } from "../../../models/image/jpeg-scans";

const segment = (marker: number, payload: number[]) => [
  0xff,
  marker,
  (payload.length + 2) >> 8,
  (payload.length + 2) & 0xff,
  ...payload,
];

/**
 * A 16×16 grey progressive JPEG of `scans` AC scans, each two bytes of coded data: one Huffman
 * code for an end-of-band run longer than the image, so every scan visits every block.
 */
function manyScans(scans: number): Uint8Array {
  const quantisation = segment(0xdb, [0x00, ...new Array(64).fill(1)]);
  const frame = segment(0xc2, [8, 0, 16, 0, 16, 1, 1, 0x11, 0]);
  const huffman = segment(0xc4, [0x10, 1, ...new Array(15).fill(0), 0xe0]);
  const scan = [...segment(0xda, [1, 1, 0x00, 1, 63, 0]), 0x00, 0x00];
  const parts = [[0xff, 0xd8], quantisation, frame, huffman];
  for (let i = 0; i < scans; i++) parts.push(scan);
  parts.push([0xff, 0xd9]);
  return new Uint8Array(parts.flat());
}

describe("a JPEG's scans", () => {
  it("decodes a real progressive file (cjpeg -progressive: 10 scans) as before", async () => {
    const bytes = new Uint8Array(
      readFileSync(new URL("../../fixtures/progressive.jpg", import.meta.url)),
    );
    const decoded = await decodeUntrustedImage(bytes);
    expect([decoded.width, decoded.height]).toEqual([64, 48]);
    expect(decoded).toEqual(decodeImage(bytes));
  });

  it(`decodes ${MAX_JPEG_SCANS} scans`, async () => {
    const decoded = await decodeUntrustedImage(manyScans(MAX_JPEG_SCANS));
    expect([decoded.width, decoded.height]).toEqual([16, 16]);
  });

  it("refuses one scan more, as a corrupt image, before decoding it", async () => {
    const refused = await decodeUntrustedImage(manyScans(MAX_JPEG_SCANS + 1)).catch((e) => e);
    expect(refused).toBeInstanceOf(ImageError);
    expect([refused.code, refused.format]).toEqual(["corrupt-image", "jpeg"]);
    expect(refused.message).toContain(`more than ${MAX_JPEG_SCANS} scans`);
  });
});
