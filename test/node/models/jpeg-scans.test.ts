/**
 * Progressive JPEGs with more scans than any encoder writes (a decoder walks every block in each
 * one) are refused before jpeg-js decodes them; real progressive files decode as before.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeImage, decodeUntrustedImage, ImageError } from "../../../models/image";
import { MAX_JPEG_SCANS } from "../../../models/image/jpeg-scans";
import { manyScansJpeg } from "../../fixtures/many-scans";

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
    const decoded = await decodeUntrustedImage(manyScansJpeg(MAX_JPEG_SCANS));
    expect([decoded.width, decoded.height]).toEqual([16, 16]);
  });

  it("refuses one scan more, as a corrupt image, before decoding it", async () => {
    const refused = await decodeUntrustedImage(manyScansJpeg(MAX_JPEG_SCANS + 1)).catch((e) => e);
    expect(refused).toBeInstanceOf(ImageError);
    expect([refused.code, refused.format]).toEqual(["corrupt-image", "jpeg"]);
    expect(refused.message).toContain(`more than ${MAX_JPEG_SCANS} scans`);
  });
});
