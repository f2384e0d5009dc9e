/**
 * Bytes → 8-bit RGB. JPEG (jpeg-js) and PNG (fast-png), both pure JS, so this runs in workerd too.
 * A JPEG over the pixel limit is decoded at 1/2, 1/4 or 1/8 of its size instead, the least reduction
 * that brings it within the limit (scaled-jpeg.ts), once the host has installed that decoder: a
 * phone's 12-megapixel photo arrives as 504×378. The format comes from the magic bytes. Anything else
 * is refused with "unsupported-format", naming what was detected; a recognised file that fails to
 * decode is "corrupt-image"; one with more pixels than the limit is "image-too-large", checked from
 * the header before decoding.
 *
 * A photo's EXIF orientation (JPEG APP1, PNG eXIf) is applied (exif-orientation.ts), as browsers show it.
 *
 * PNG conversion: 16-bit samples keep their high byte, 1/2/4-bit grey is scaled to 0–255, palette
 * indices are looked up, grey is replicated to R=G=B, and alpha is dropped (not composited), like
 * PIL's convert("RGB").
 */

import { type DecodedPng, decode as decodePng } from "fast-png";
import jpeg from "jpeg-js";
import { applyOrientation, jpegOrientation, pngOrientation } from "./exif-orientation";
import { frameBlocks, type JpegFrame, jpegFrame, pngSize, type Size } from "./header-size";
import { ImageError } from "./image-error";
import { checkJpegScans } from "./jpeg-scans";
import { checkPngInflation } from "./png-inflation";
import type { RgbImage } from "./rgb-image";
import {
  decodeScaledJpeg,
  JPEG_SCALES,
  type JpegScale,
  progressiveBytes,
  scaledJpegDecoderInstalled,
  scaledSize,
} from "./scaled-jpeg";
import { sniffFormat } from "./sniff";

export interface DecodeLimits {
  /** Most pixels (width × height) accepted. */
  maxPixels: number;
}

/**
 * 512×512 (262,144 pixels) decoded. jpeg-js and fast-png hold a whole image at 25–40 bytes per pixel
 * while decoding, and an isolate has 128 MB of which the backbone's wasm heap takes ~89: this is what
 * fits (bench/results/memory.md). A JPEG of up to 64 times that is decoded reduced into it. Backbones
 * see 224×224 or 299×299, so a PNG downscaled first loses nothing.
 */
export const DEFAULT_LIMITS: DecodeLimits = { maxPixels: 512 * 512 };

/** Longest side decoded, whatever the pixel count: long thin images stay within it. */
export const MAX_SIDE = 4096;

const BYTES_PER_MEGABYTE = 1024 * 1024;

/**
 * jpeg-js's own accounting (its `maxMemoryUsageInMB`) per pixel of the worst frame it decodes: four
 * components (CMYK) at full resolution, each 4 bytes per pixel of DCT blocks (an Int32Array(64) per
 * 8×8 block) + 1 of output lines + 1 of interleaved data, then 3 of RGB output. Blocks are padded to
 * whole MCUs (up to 4×4 blocks), hence the slack. The pixel limit, checked first, is the limit that
 * applies; this only keeps jpeg-js from refusing an image within it.
 */
const JPEG_ACCOUNTED_BYTES_PER_PIXEL = 4 * (4 + 1 + 1) + 3;
const JPEG_ACCOUNTING_SLACK = 1.1;

function jpegMemoryLimitMB(maxPixels: number): number {
  const bytes = maxPixels * JPEG_ACCOUNTED_BYTES_PER_PIXEL * JPEG_ACCOUNTING_SLACK;
  return Math.ceil(bytes / BYTES_PER_MEGABYTE) + 16; // + tables and segment buffers
}

/**
 * A progressive JPEG keeps its coefficients until the last scan, whatever the scale it is decoded at
 * (scaled-jpeg.ts): 16 MiB of them is a 5.6-megapixel photo with 4:2:0 chroma, 2.8 with full
 * chroma. With the file's copy (at most the 4 MiB body) the decoder stays within the ~36 MB a 16-bit
 * PNG at the pixel limit already takes (bench/results/memory.md).
 */
export const MAX_PROGRESSIVE_COEFFICIENT_BYTES = 16 * 1024 * 1024;

/** What decoding an image yields: its format, its size as stored and as decoded, and the reduction. */
interface DecodePlan {
  format: "jpeg" | "png";
  stored: Size;
  decoded: Size;
  scale: JpegScale;
}

function checkPresent(size: Size | undefined, format: string): Size {
  if (!size || size.width === 0 || size.height === 0) {
    throw new ImageError("corrupt-image", `the ${format} header is missing or truncated`, format);
  }
  return size;
}

/** Refuses an image whose decoded size is over the limits, naming its stored size. */
function checkSize(stored: Size, format: string, limits: DecodeLimits, scale: JpegScale = 1): Size {
  const decoded = scaledSize(stored.width, stored.height, scale);
  const pixels = stored.width * stored.height;
  const dimensions = `${stored.width}×${stored.height}`;
  // Past 1/8 nothing reduces it further: the limit a scaled JPEG meets is 64 times the pixels.
  const scaled =
    scale > 1
      ? ` (a JPEG decoded at up to 1/${scale} of its size: ${scale * scale} times that)`
      : "";
  if (decoded.width * decoded.height > limits.maxPixels) {
    throw new ImageError(
      "image-too-large",
      `the ${format} image is ${dimensions} (${pixels} pixels); the limit is ${limits.maxPixels} pixels${scaled}: downscale it first`,
      format,
    );
  }
  if (Math.max(decoded.width, decoded.height) > MAX_SIDE) {
    throw new ImageError(
      "image-too-large",
      `the ${format} image is ${dimensions}; the limit is ${MAX_SIDE} pixels per side${scaled}`,
      format,
    );
  }
  return decoded;
}

/** The least reduction whose decoded size is within the limits; 1/8 when none is. */
function jpegScale(stored: Size, limits: DecodeLimits): JpegScale {
  if (!scaledJpegDecoderInstalled()) return 1;
  const fits = (scale: JpegScale) => {
    const { width, height } = scaledSize(stored.width, stored.height, scale);
    return width * height <= limits.maxPixels && Math.max(width, height) <= MAX_SIDE;
  };
  return JPEG_SCALES.find(fits) ?? 8;
}

const PROGRESSIVE_HUFFMAN = 0xc2;

function planJpeg(bytes: Uint8Array, limits: DecodeLimits): DecodePlan {
  const frame = jpegFrame(bytes);
  const stored = checkPresent(frame, "jpeg");
  const scale = jpegScale(stored, limits);
  const decoded = checkSize(stored, "jpeg", limits, scale);
  if (frame) checkJpegCoding(frame);
  if (frame && scale > 1) checkScaledFrame(frame);
  return { format: "jpeg", stored, decoded, scale };
}

function checkScaledFrame(frame: JpegFrame): void {
  if (frame.components.length === 0) {
    throw new ImageError("corrupt-image", "the jpeg frame header is truncated", "jpeg");
  }
  if (frame.marker !== PROGRESSIVE_HUFFMAN) return;
  const bytes = progressiveBytes(frame.width, frame.height, frame.components);
  if (bytes <= MAX_PROGRESSIVE_COEFFICIENT_BYTES) return;
  const mib = (value: number) => (value / 2 ** 20).toFixed(1);
  throw new ImageError(
    "image-too-large",
    `the jpeg image is a progressive ${frame.width}×${frame.height}, whose decoding holds ${mib(bytes)} MiB of coefficients; the limit is ${mib(MAX_PROGRESSIVE_COEFFICIENT_BYTES)} MiB: save it as a baseline JPEG, or downscale it first`,
    "jpeg",
  );
}

/**
 * The JPEG codings jpeg-js decodes: Huffman-coded baseline, extended sequential and progressive
 * frames (SOF0–SOF2) of 8-bit samples. It throws "unknown JPEG marker" at the others, which would
 * read as a corrupt file, and decodes 12-bit samples as if they were 8-bit (wrong pixels, no error).
 */
const DECODED_JPEG_FRAMES = new Set([0xc0, 0xc1, 0xc2]);

function checkJpegCoding(frame: JpegFrame): void {
  const coding =
    frame.precision !== 8
      ? `${frame.precision}-bit`
      : DECODED_JPEG_FRAMES.has(frame.marker)
        ? undefined
        : jpegCodingName(frame.marker);
  if (coding === undefined) return;
  throw new ImageError(
    "unsupported-format",
    `${coding} JPEG images are not supported; send a baseline or progressive JPEG of 8-bit samples, or a PNG`,
    "jpeg",
  );
}

/** What a start-of-frame marker other than SOF0–SOF2 codes (ITU T.81, table B.1). */
function jpegCodingName(marker: number): string {
  const frame = `SOF${marker - 0xc0}`;
  if (marker === 0xc3 || marker === 0xcb) return `lossless (${frame})`;
  if (marker === 0xc5 || marker === 0xc6 || marker === 0xc7) return `hierarchical (${frame})`;
  if (marker >= 0xcd) return `hierarchical arithmetic-coded (${frame})`;
  return `arithmetic-coded (${frame})`;
}

function corrupt(format: string, error: unknown): ImageError {
  // A decoder's own words say what is wrong with the data; a JavaScript error it stumbled into
  // ("Cannot read properties of undefined", on a component pointing at a missing table) says
  // nothing to the sender, and leaks how it is decoded.
  const stumbled = error instanceof TypeError || error instanceof RangeError;
  const reason = stumbled
    ? "it is corrupt or truncated"
    : // Decoders may end on a colon with nothing after it ("Error while decompressing the data: ").
      (error instanceof Error ? error.message : String(error)).replace(/[\s:]+$/, "");
  return new ImageError(
    "corrupt-image",
    `the ${format} data could not be decoded: ${reason}`,
    format,
  );
}

/** jpeg-js copies a typed array it is given, but wraps an ArrayBuffer as it is. */
function uncopiedInput(bytes: Uint8Array): ArrayBuffer | Uint8Array {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
  return whole && bytes.buffer instanceof ArrayBuffer ? bytes.buffer : bytes;
}

function decodeJpeg(bytes: Uint8Array, plan: DecodePlan, limits: DecodeLimits): RgbImage {
  if (plan.scale > 1) return decodeReducedJpeg(bytes, plan);
  try {
    const decoded = jpeg.decode(uncopiedInput(bytes), {
      useTArray: true,
      formatAsRGBA: false,
      // A truncated scan is an error, not an image padded with grey.
      tolerantDecoding: false,
      // jpeg-js counts a megapixel as 10^6 pixels.
      maxResolutionInMP: limits.maxPixels / 1e6,
      maxMemoryUsageInMB: jpegMemoryLimitMB(limits.maxPixels),
    });
    const stored = { width: decoded.width, height: decoded.height, data: decoded.data };
    return applyOrientation(stored, jpegOrientation(bytes));
  } catch (error) {
    throw corrupt("jpeg", error);
  }
}

function decodeReducedJpeg(bytes: Uint8Array, { stored, scale }: DecodePlan): RgbImage {
  try {
    const image = decodeScaledJpeg(bytes, stored.width, stored.height, scale);
    return applyOrientation(image, jpegOrientation(bytes));
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

/**
 * 8- and 16-bit grey or colour samples, indexed directly: the common case, and the one where a
 * full-size image makes speed matter. A 16-bit sample keeps its high byte.
 */
function wideSamplesToRgb(png: DecodedPng): Uint8Array {
  const { width, height, channels, depth, data } = png;
  const shift = depth === 16 ? 8 : 0;
  const colour = channels >= 3;
  const rgb = new Uint8Array(width * height * 3);
  for (let source = 0, out = 0; out < rgb.length; source += channels, out += 3) {
    const first = (data[source] ?? 0) >> shift;
    rgb[out] = first;
    rgb[out + 1] = colour ? (data[source + 1] ?? 0) >> shift : first;
    rgb[out + 2] = colour ? (data[source + 2] ?? 0) >> shift : first;
  }
  return rgb;
}

function pngToRgb(png: DecodedPng): Uint8Array {
  const { width, height, depth, channels, palette } = png;
  if (png.data.length < expectedSamples(png)) throw new Error("image data is truncated");
  if (!palette && depth >= 8) return wideSamplesToRgb(png);
  // Palette indices, or grey packed 1, 2 or 4 bits per sample.
  const read = sampleReader(png);
  const toByte = (v: number) => (v * 255) / ((1 << depth) - 1);
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

/** IHDR's colour type (the byte after the bit depth) of an indexed-colour PNG. */
const INDEXED_COLOUR = 3;
const COLOUR_TYPE_OFFSET = 25;

/** IHDR's bit depth and interlace method (after width and height, colour type, compression, filter). */
const BIT_DEPTH_OFFSET = 24;
const INTERLACE_OFFSET = 28;
const ADAM7 = 1;

/**
 * fast-png de-interlaces Adam7 a whole byte per pixel, so an interlaced PNG of 1-, 2- or 4-bit
 * samples (palette or grey) fails, or decodes to wrong pixels without an error: refused by name.
 */
function checkPngCoding(bytes: Uint8Array): void {
  const depth = bytes[BIT_DEPTH_OFFSET] ?? 8;
  if (bytes[INTERLACE_OFFSET] !== ADAM7 || depth >= 8) return;
  throw new ImageError(
    "unsupported-format",
    `interlaced (Adam7) PNG images of ${depth}-bit samples are not supported; save it without interlacing, or at 8 bits`,
    "png",
  );
}

function decodePngImage(bytes: Uint8Array): RgbImage {
  try {
    const png = decodePng(bytes, { checkCrc: true });
    // fast-png hands the indices of a palette image without its PLTE chunk back as grey.
    if (bytes[COLOUR_TYPE_OFFSET] === INDEXED_COLOUR && !png.palette) {
      throw new Error("an indexed-colour image without its PLTE palette");
    }
    const stored = { width: png.width, height: png.height, data: pngToRgb(png) };
    return applyOrientation(stored, pngOrientation(bytes));
  } catch (error) {
    throw corrupt("png", error);
  }
}

/**
 * The size the image decodes to, from its header, refused as `decodeImage` would refuse it (format,
 * missing header, over the pixel limit) without decoding anything.
 */
export function checkImageHeader(
  input: ArrayBuffer | Uint8Array,
  limits: DecodeLimits = DEFAULT_LIMITS,
): Size & { format: "jpeg" | "png" } {
  const { format, decoded } = planDecode(input, limits);
  return { format, width: decoded.width, height: decoded.height };
}

function planDecode(input: ArrayBuffer | Uint8Array, limits: DecodeLimits): DecodePlan {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const format = sniffFormat(bytes);
  switch (format) {
    case "jpeg":
      return planJpeg(bytes, limits);
    case "png": {
      const stored = checkPresent(pngSize(bytes), format);
      checkSize(stored, format, limits);
      checkPngCoding(bytes);
      return { format, stored, decoded: stored, scale: 1 };
    }
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

export function decodeImage(
  input: ArrayBuffer | Uint8Array,
  limits: DecodeLimits = DEFAULT_LIMITS,
): RgbImage {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const plan = planDecode(bytes, limits);
  return plan.format === "jpeg" ? decodeJpeg(bytes, plan, limits) : decodePngImage(bytes);
}

/** The blocks a JPEG's frame codes (its header was checked: it is there). */
function jpegBlocks(bytes: Uint8Array): number {
  const frame = jpegFrame(bytes);
  return frame ? frameBlocks(frame.width, frame.height, frame.components) : 1;
}

/**
 * decodeImage for bytes from a request: a PNG's zlib streams are first checked not to inflate past
 * its header's size, which decodeImage alone cannot see before it has allocated them whole, and a
 * JPEG's scans are counted (jpeg-scans.ts).
 */
export async function decodeUntrustedImage(
  input: ArrayBuffer | Uint8Array,
  limits: DecodeLimits = DEFAULT_LIMITS,
): Promise<RgbImage> {
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const { format } = checkImageHeader(bytes, limits);
  if (format === "png") await checkPngInflation(bytes);
  else checkJpegScans(bytes, jpegBlocks(bytes));
  return decodeImage(bytes, limits);
}
