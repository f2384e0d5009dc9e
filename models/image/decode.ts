/**
 * Bytes → 8-bit RGB. JPEG (jpeg-js) and PNG (fast-png), both pure JS, so this runs in workerd too.
 * The format comes from the magic bytes. Anything else is refused with "unsupported-format", naming
 * what was detected; a recognised file that fails to decode is "corrupt-image"; one with more pixels
 * than the limit is "image-too-large", checked from the header before decoding.
 *
 * PNG conversion: 16-bit samples keep their high byte, 1/2/4-bit grey is scaled to 0–255, palette
 * indices are looked up, grey is replicated to R=G=B, and alpha is dropped (not composited), like
 * PIL's convert("RGB").
 */

import { type DecodedPng, decode as decodePng } from "fast-png";
import jpeg from "jpeg-js";
import { jpegSize, pngSize, type Size } from "./header-size";
import { ImageError } from "./image-error";
import type { RgbImage } from "./rgb-image";
import { sniffFormat } from "./sniff";

export interface DecodeLimits {
  /** Most pixels (width × height) accepted. */
  maxPixels: number;
}

/**
 * 4096×3072 (12.6 MP), enough for phone photos. A JPEG that size needs about 75 MB while decoding
 * (component planes + RGB output); hosts with less memory should pass a lower limit.
 */
export const DEFAULT_LIMITS: DecodeLimits = { maxPixels: 4096 * 3072 };

const BYTES_PER_MEGABYTE = 1024 * 1024;

function checkSize(size: Size | undefined, format: string, limits: DecodeLimits): void {
  if (!size || size.width === 0 || size.height === 0) {
    throw new ImageError("corrupt-image", `the ${format} header is missing or truncated`, format);
  }
  const pixels = size.width * size.height;
  if (pixels > limits.maxPixels) {
    throw new ImageError(
      "image-too-large",
      `the ${format} image is ${size.width}×${size.height} (${pixels} pixels); the limit is ${limits.maxPixels} pixels`,
      format,
    );
  }
}

function corrupt(format: string, error: unknown): ImageError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ImageError(
    "corrupt-image",
    `the ${format} data could not be decoded: ${reason}`,
    format,
  );
}

function decodeJpeg(bytes: Uint8Array, limits: DecodeLimits): RgbImage {
  checkSize(jpegSize(bytes), "jpeg", limits);
  try {
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      // A truncated scan is an error, not an image padded with grey.
      tolerantDecoding: false,
      maxResolutionInMP: limits.maxPixels / 1e6,
      // Component planes + output: about 6 bytes per pixel, plus tables.
      maxMemoryUsageInMB: Math.ceil((limits.maxPixels * 6) / BYTES_PER_MEGABYTE) + 16,
    });
    return { width: decoded.width, height: decoded.height, data: decoded.data };
  } catch (error) {
    throw corrupt("jpeg", error);
  }
}

/** Reads sample `index` of row `row` as a number of `depth` bits (1, 2, 4, 8 or 16). */
function sampleReader(png: DecodedPng): (row: number, index: number) => number {
  const { data, depth, width, channels } = png;
  if (depth >= 8) {
    const perRow = width * channels;
    return (row, index) => data[row * perRow + index] ?? 0;
  }
  const bytesPerRow = Math.ceil((width * channels * depth) / 8);
  const mask = (1 << depth) - 1;
  return (row, index) => {
    const bit = index * depth;
    const byte = data[row * bytesPerRow + (bit >> 3)] ?? 0;
    return (byte >> (8 - depth - (bit & 7))) & mask;
  };
}

function expectedSamples(png: DecodedPng): number {
  return png.depth >= 8
    ? png.width * png.height * png.channels
    : Math.ceil((png.width * png.channels * png.depth) / 8) * png.height;
}

function pngToRgb(png: DecodedPng): Uint8Array {
  const { width, height, depth, channels, palette } = png;
  if (png.data.length < expectedSamples(png)) throw new Error("image data is truncated");
  const read = sampleReader(png);
  const toByte =
    depth === 16 ? (v: number) => v >> 8 : (v: number) => (v * 255) / ((1 << depth) - 1);
  const colour = channels >= 3;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * 3;
      if (palette) {
        const entry = palette[read(y, x)];
        if (!entry) throw new Error("palette index out of range");
        rgb[out] = entry[0] ?? 0;
        rgb[out + 1] = entry[1] ?? 0;
        rgb[out + 2] = entry[2] ?? 0;
      } else {
        const first = x * channels;
        const grey = toByte(read(y, first));
        rgb[out] = grey;
        rgb[out + 1] = colour ? toByte(read(y, first + 1)) : grey;
        rgb[out + 2] = colour ? toByte(read(y, first + 2)) : grey;
      }
    }
  }
  return rgb;
}

function decodePngImage(bytes: Uint8Array, limits: DecodeLimits): RgbImage {
  checkSize(pngSize(bytes), "png", limits);
  try {
    const png = decodePng(bytes, { checkCrc: true });
    return { width: png.width, height: png.height, data: pngToRgb(png) };
  } catch (error) {
    throw corrupt("png", error);
  }
}

export function decodeImage(
  input: ArrayBuffer | Uint8Array,
  limits: DecodeLimits = DEFAULT_LIMITS,
): RgbImage {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const format = sniffFormat(bytes);
  switch (format) {
    case "jpeg":
      return decodeJpeg(bytes, limits);
    case "png":
      return decodePngImage(bytes, limits);
    case "unknown":
      throw new ImageError(
        "unsupported-format",
        "the bytes are not a recognised image format; JPEG and PNG are supported",
        format,
      );
    default:
      throw new ImageError(
        "unsupported-format",
        `${format.toUpperCase()} images are not supported; send JPEG or PNG`,
        format,
      );
  }
}
