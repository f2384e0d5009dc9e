/**
 * PNGs whose zlib streams inflate past what their header allows (decompression bombs) are refused
 * before fast-png inflates them whole; honest PNGs decode as decodeImage decodes them.
 */

import { deflateSync } from "node:zlib";
import { encode as encodePng } from "fast-png";
import { describe, expect, it } from "vitest";
import { decodeImage, decodeUntrustedImage, ImageError } from "../../../models/image";
import { pngChunk as chunk } from "../../fixtures/png-chunk";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** An 8-bit RGB PNG of width × height with the given chunks between IHDR and IEND. */
function rgbPng(width: number, height: number, chunks: Buffer[]): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const parts = [
    Buffer.from(SIGNATURE),
    chunk("IHDR", ihdr),
    ...chunks,
    chunk("IEND", Buffer.alloc(0)),
  ];
  return new Uint8Array(Buffer.concat(parts));
}

/** 2×2 RGB rows, each with filter byte 0. */
const PIXELS = Buffer.from([0, 1, 2, 3, 4, 5, 6, 0, 7, 8, 9, 10, 11, 12]);
const BOMB = deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });

async function refusal(bytes: Uint8Array): Promise<ImageError> {
  const error = await decodeUntrustedImage(bytes).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ImageError)) throw new Error("expected an ImageError");
  return error;
}

describe("decodeUntrustedImage on PNG", () => {
  it("refuses image data that inflates past its header's size, from a file of 64 kB", async () => {
    const bytes = rgbPng(2, 2, [chunk("IDAT", BOMB)]);
    expect(bytes.length).toBeLessThan(70_000);
    const error = await refusal(bytes);
    expect(error.code).toBe("corrupt-image");
    expect(error.message).toContain("inflates to more than its header's size allows");
  });

  it("refuses an embedded colour profile that inflates past 1 MiB", async () => {
    const iccp = Buffer.concat([Buffer.from("bomb\0\0", "latin1"), BOMB]);
    const bytes = rgbPng(2, 2, [chunk("iCCP", iccp), chunk("IDAT", deflateSync(PIXELS))]);
    const error = await refusal(bytes);
    expect(error.code).toBe("corrupt-image");
    expect(error.message).toContain("colour profile");
  });

  it("decodes honest PNGs, with a small profile or split data, as decodeImage does", async () => {
    const data = deflateSync(PIXELS);
    const iccp = Buffer.concat([
      Buffer.from("sRGB\0\0", "latin1"),
      deflateSync(Buffer.alloc(3000)),
    ]);
    const split = [chunk("IDAT", data.subarray(0, 5)), chunk("IDAT", data.subarray(5))];
    for (const bytes of [
      rgbPng(2, 2, [chunk("iCCP", iccp), ...split]),
      encodePng({ width: 3, height: 2, data: new Uint16Array(24).fill(4000), depth: 16 }),
    ]) {
      expect(await decodeUntrustedImage(bytes)).toEqual(decodeImage(bytes));
    }
  });

  it("leaves a broken stream to the decoder, which reports it as corrupt", async () => {
    const error = await refusal(rgbPng(2, 2, [chunk("IDAT", Buffer.from([0x78, 0x9c, 0xff]))]));
    expect(error.code).toBe("corrupt-image");
    expect(error.message).toContain("could not be decoded");
  });
});
