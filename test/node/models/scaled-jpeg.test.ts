/**
 * JPEGs over the pixel limit, decoded at 1/2, 1/4 or 1/8 of their size by the decoder the hosts
 * install (models/image/scaled-jpeg.ts). The module is installed here as nodeHost installs it; the
 * other decode tests run without it, where such a JPEG is refused.
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import jpeg from "jpeg-js";
import { beforeAll, describe, expect, it } from "vitest";
import {
  checkImageHeader,
  DEFAULT_LIMITS,
  decodeImage,
  decodeUntrustedImage,
  ImageError,
  MAX_PROGRESSIVE_COEFFICIENT_BYTES,
  useScaledJpegDecoder,
} from "../../../models/image";
import { MAX_JPEG_BLOCK_VISITS } from "../../../models/image/jpeg-scans";
import { progressiveBytes } from "../../../models/image/scaled-jpeg";
import { imageError } from "../../fixtures/image-error";
import { manyScansJpeg } from "../../fixtures/many-scans";

const require = createRequire(import.meta.url);
const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url)));

// The workers types leave out run-time compilation, which workerd refuses; Node has it.
const { compile } = WebAssembly as unknown as {
  compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
};

beforeAll(async () => {
  useScaledJpegDecoder(
    await compile(readFileSync(require.resolve("imagescript/wasm/any/jpeg.wasm"))),
  );
});

/** A smooth picture: red rises across, green down, blue constant. */
function gradientJpeg(width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      rgba.set([(x * 255) / width, (y * 255) / height, 96, 255], (y * width + x) * 4);
    }
  }
  return new Uint8Array(jpeg.encode({ width, height, data: rgba }, 90).data);
}

/** The JPEG with its frame header's height and width replaced (nothing else changed). */
function withFrameSize(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const copy = bytes.slice();
  for (let offset = 2; offset + 9 < copy.length; ) {
    const marker = copy[offset + 1] ?? 0;
    if (marker === 0xc0 || marker === 0xc2) {
      const view = new DataView(copy.buffer);
      view.setUint16(offset + 5, height);
      view.setUint16(offset + 7, width);
      return copy;
    }
    offset += 2 + (((copy[offset + 2] ?? 0) << 8) | (copy[offset + 3] ?? 0));
  }
  throw new Error("no SOF0 or SOF2 marker");
}

function pixel(image: { width: number; data: ArrayLike<number> }, x: number, y: number) {
  const at = (y * image.width + x) * 3;
  return [image.data[at], image.data[at + 1], image.data[at + 2]] as number[];
}

describe("a JPEG over the pixel limit", () => {
  it("decodes at the least reduction that fits, keeping the picture", () => {
    const bytes = gradientJpeg(1200, 900); // 1/2 is 600×450, still over 512×512's pixels
    expect(checkImageHeader(bytes)).toEqual({ format: "jpeg", width: 300, height: 225 });
    const image = decodeImage(bytes);
    expect([image.width, image.height]).toEqual([300, 225]);
    // Each output pixel stands for 4×4 source pixels: the gradient's value at their centre.
    for (const [x, y] of [
      [10, 10],
      [150, 112],
      [290, 215],
    ] as const) {
      const expected = [((x * 4 + 1.5) * 255) / 1200, ((y * 4 + 1.5) * 255) / 900, 96];
      const got = pixel(image, x, y);
      for (const channel of [0, 1, 2]) {
        expect(Math.abs((got[channel] ?? 0) - (expected[channel] ?? 0))).toBeLessThan(4);
      }
    }
  });

  it("decodes a progressive and a CMYK JPEG reduced", () => {
    for (const name of ["progressive-800x600.jpg", "cmyk-800x600.jpg"]) {
      const image = decodeImage(fixture(name));
      expect([image.width, image.height]).toEqual([400, 300]);
      // gradient:red-blue, top to bottom.
      const top = pixel(image, 200, 2);
      const bottom = pixel(image, 200, 297);
      expect(top[0]).toBeGreaterThan(230);
      expect(top[2]).toBeLessThan(25);
      expect(bottom[0]).toBeLessThan(25);
      expect(bottom[2]).toBeGreaterThan(230);
    }
  });

  it("counts its decoded pixels, not its stored ones, against a budget", () => {
    const { width, height } = checkImageHeader(withFrameSize(gradientJpeg(16, 16), 4032, 3024));
    expect([width, height]).toEqual([504, 378]);
    expect(width * height).toBeLessThanOrEqual(DEFAULT_LIMITS.maxPixels);
  });

  it("is refused past 1/8 of the limit, naming the reduction", () => {
    const error = imageError(() =>
      checkImageHeader(withFrameSize(gradientJpeg(16, 16), 6000, 4000)),
    );
    expect(error.code).toBe("image-too-large");
    expect(error.message).toContain("6000×4000");
    expect(error.message).toContain("1/8");
  });

  it("refuses a progressive JPEG whose coefficients are over the budget, before decoding", () => {
    const bytes = withFrameSize(fixture("progressive-800x600.jpg"), 4000, 3000);
    const error = imageError(() => checkImageHeader(bytes));
    expect(error.code).toBe("image-too-large");
    expect(error.message).toMatch(/progressive 4000×3000.*baseline/);
    // 4:2:0: 1.5 samples per pixel, 2 bytes each.
    const sampling = [
      { horizontal: 2, vertical: 2 },
      { horizontal: 1, vertical: 1 },
      { horizontal: 1, vertical: 1 },
    ];
    expect(progressiveBytes(4000, 3000, sampling)).toBe(250 * 188 * 6 * 128);
    expect(progressiveBytes(2400, 1600, sampling)).toBeLessThan(MAX_PROGRESSIVE_COEFFICIENT_BYTES);
  });

  it("may have as many scans as its blocks allow, fewer than a small one", async () => {
    // 4096×2048 grey: 131,072 blocks, 16 MiB of coefficients (the budget), decoded at 1/8.
    const allowed = Math.floor(MAX_JPEG_BLOCK_VISITS / 131_072);
    const decoded = await decodeUntrustedImage(manyScansJpeg(allowed, 4096, 2048));
    expect([decoded.width, decoded.height]).toEqual([512, 256]);
    const refused = await decodeUntrustedImage(manyScansJpeg(allowed + 1, 4096, 2048)).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ImageError);
    expect((refused as ImageError).code).toBe("corrupt-image");
    expect((refused as ImageError).message).toContain(
      `more than ${allowed} scans of its 131072 blocks`,
    );
  });

  it("is corrupt-image when truncated or damaged, never a crash", () => {
    const bytes = gradientJpeg(1200, 900);
    const truncated = bytes.subarray(0, bytes.length >> 1);
    expect(imageError(() => decodeImage(truncated)).code).toBe("corrupt-image");
    // Damaged scan data either decodes (JPEG has no checksum) or is refused, as corrupt.
    let seed = 7;
    for (let trial = 0; trial < 20; trial++) {
      const damaged = bytes.slice();
      for (let hit = 0; hit < 30; hit++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        damaged[700 + (seed % (damaged.length - 700))] = seed & 0xff;
      }
      try {
        const image = decodeImage(damaged);
        expect(image.data.length).toBe(image.width * image.height * 3);
      } catch (error) {
        expect(error).toBeInstanceOf(ImageError);
        expect((error as ImageError).code).toBe("corrupt-image");
        expect((error as ImageError).message).not.toMatch(/unreachable|wasm/);
      }
    }
  });
});
