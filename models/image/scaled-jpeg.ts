/**
 * A JPEG decoded at 1/2, 1/4 or 1/8 of its size. The 8×8 blocks of a JPEG are cosine transforms, so a
 * decoder can invert only their lowest 4×4, 2×2 or 1×1 frequencies (libjpeg's scaled IDCT): each
 * output pixel is about the mean of the 2×2, 4×4 or 8×8 pixels it stands for, and the full-size image
 * is never held. A baseline 4000×3000 photo decodes at 1/8 in about 5 MB (the file's copy included),
 * where jpeg-js would need 40 bytes per pixel, 500 MB (bench/results/memory.md). A progressive JPEG
 * still keeps every block's coefficients until its last scan, 2 bytes per sample (`progressiveBytes`).
 *
 * The decoder is image-rs's jpeg-decoder (Rust), as ImageScript compiles it to WebAssembly
 * (imagescript/wasm/any/jpeg.wasm, no imports). The host installs the compiled module
 * (`useScaledJpegDecoder`): workerd only runs wasm that wrangler compiled at bundle time.
 */

import { frameBlocks, type Sampling } from "./header-size";
import type { RgbImage } from "./rgb-image";

/** The reductions a scaled IDCT offers, smallest first. */
export const JPEG_SCALES = [1, 2, 4, 8] as const;
export type JpegScale = (typeof JPEG_SCALES)[number];

/** What the module exports (ImageScript's wasm/node/jpeg.js calls the same). */
interface DecoderExports {
  memory: WebAssembly.Memory;
  walloc(bytes: number): number;
  /** Length of the buffer `decode_buffer` last returned. */
  wlen(): number;
  /** 0: not decoded; 1: the decoder could not scale; otherwise the decoded frame. */
  decode(input: number, length: number, width: number, height: number): number;
  decode_width(frame: number): number;
  decode_height(frame: number): number;
  /** 0: grey (1 byte per pixel), 1: RGB (3), 2: CMYK (4; YCCK arrives as CMYK). */
  decode_format(frame: number): number;
  decode_buffer(frame: number): number;
}

const GREY = 0;
const RGB = 1;
const CMYK = 2;

let decoder: WebAssembly.Module | undefined;

/** Installs the compiled jpeg.wasm (the host does, at start-up). Until then, no JPEG is scaled. */
export function useScaledJpegDecoder(module: WebAssembly.Module): void {
  decoder = module;
}

export function scaledJpegDecoderInstalled(): boolean {
  return decoder !== undefined;
}

/** The size a 1/scale decode yields: the decoder rounds each side up. */
export function scaledSize(width: number, height: number, scale: JpegScale) {
  return { width: Math.ceil(width / scale), height: Math.ceil(height / scale) };
}

/** Bytes a progressive frame's coefficients take: 64 int16 per 8×8 block of each component. */
export function progressiveBytes(
  width: number,
  height: number,
  sampling: readonly Sampling[],
): number {
  return frameBlocks(width, height, sampling) * 64 * 2;
}

/**
 * Decodes `bytes` at 1/scale of `width` × `height` (the frame's size) to 8-bit RGB. A fresh instance
 * per image: wasm memory never shrinks, and this one is dropped with it. Throws a plain Error
 * (the caller names the format) when the data cannot be decoded, a trap included.
 */
export function decodeScaledJpeg(
  bytes: Uint8Array,
  width: number,
  height: number,
  scale: JpegScale,
): RgbImage {
  if (!decoder) throw new Error("no scaled JPEG decoder is installed");
  const wasm = new WebAssembly.Instance(decoder).exports as unknown as DecoderExports;
  const target = scaledSize(width, height, scale);
  let frame: number;
  try {
    const input = wasm.walloc(bytes.byteLength);
    new Uint8Array(wasm.memory.buffer, input, bytes.byteLength).set(bytes);
    frame = wasm.decode(input, bytes.byteLength, target.width, target.height);
  } catch (error) {
    // A Rust panic traps ("unreachable"): that names the decoder, not what is wrong with the file.
    if (error instanceof WebAssembly.RuntimeError) throw new Error("it is corrupt or truncated");
    throw error;
  }
  if (frame <= 1) throw new Error("it is corrupt or truncated");
  const decoded = { width: wasm.decode_width(frame), height: wasm.decode_height(frame) };
  const format = wasm.decode_format(frame);
  const pointer = wasm.decode_buffer(frame);
  const samples = new Uint8Array(wasm.memory.buffer, pointer, wasm.wlen());
  return { ...decoded, data: toRgb(samples, format, decoded.width * decoded.height) };
}

function toRgb(samples: Uint8Array, format: number, pixels: number): Uint8Array {
  const channels = format === GREY ? 1 : format === RGB ? 3 : format === CMYK ? 4 : 0;
  if (channels === 0 || samples.length < pixels * channels) {
    throw new Error("it is corrupt or truncated");
  }
  if (format === RGB) return samples.slice(0, pixels * 3);
  const rgb = new Uint8Array(pixels * 3);
  for (let pixel = 0; pixel < pixels; pixel++) {
    const out = pixel * 3;
    if (format === GREY) {
      rgb.fill(samples[pixel] as number, out, out + 3);
      continue;
    }
    // CMYK without its colour profile, as jpeg-js converts it: each of R, G, B is what C, M, Y and
    // K leave of white.
    const source = pixel * 4;
    const white = 255 - (samples[source + 3] as number);
    for (let channel = 0; channel < 3; channel++) {
      rgb[out + channel] = ((255 - (samples[source + channel] as number)) * white) / 255;
    }
  }
  return rgb;
}
