/**
 * The heaviest /v1/embed requests for MobileNetV2 that pass validation, written once to a folder so
 * that every host reads the same bytes. Sizes follow the limits: as many images of the per-image
 * limit as the request's pixel budget allows, as a 16-bit RGBA PNG of noise (fast-png's costliest
 * case, incompressible) padded with an ancillary chunk up to the body limit, and as a JPEG with
 * three full-resolution components (jpeg-js's costliest three-component layout); a JPEG as long as
 * the longest side; and a full batch of small noise PNGs that together use the whole budget (each
 * input waits decoded until its forward pass). Plus a PNG decompression
 * bomb, which must be refused without inflating it, and one model-sized JPEG alone, for scale. The JPEGs are flat: jpeg-js's memory does not depend on content.
 * Then the largest JPEGs decoded reduced (models/image/scaled-jpeg.ts): a baseline one of 64 times
 * the per-image limit, padded to the body limit (the decoder holds a copy of the file), and the
 * largest progressive one its coefficient budget lets in (test/fixtures).
 */

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { DEFAULT_LIMITS, MAX_PROGRESSIVE_COEFFICIENT_BYTES, MAX_SIDE } from "../../models/image";
import { manifest } from "../../models/mobilenet-v2/manifest";
import { LIMITS } from "../../src/limits";
import { pngChunk } from "../../test/fixtures/png-chunk";

export const BACKBONE = manifest.id;
/** Small enough for any request, sent first so the backbone is loaded and its wasm heap grown. */
export const WARM_UP_FILE = "small.jpg";
/** Two forward passes (the pool runs batches of 2): the wasm heap reaches its steady size. */
export const WARM_UP_FILES: readonly string[] = Array(4).fill(WARM_UP_FILE);

const SIDE = Math.floor(Math.sqrt(DEFAULT_LIMITS.maxPixels));
const LONG = { width: MAX_SIDE, height: Math.floor(DEFAULT_LIMITS.maxPixels / MAX_SIDE) };
const SMALL = 224;
/** The largest JPEG decoded reduced: 1/8 of it is at the per-image limit. */
const REDUCED = SIDE * 8;
const PROGRESSIVE_FIXTURE = "progressive-2896x1920.jpg";
/** Room left in the body for the multipart headers and the other fields. */
const MULTIPART_SLACK = 16 * 1024;
/** What the decompression bomb inflates to (about 256 kB compressed). */
const BOMB_BYTES = 256 * 1024 * 1024;

const atLimit = Math.floor(LIMITS.maxRequestPixels / (SIDE * SIDE));
const batchSide = Math.floor(Math.sqrt(LIMITS.maxRequestPixels / LIMITS.maxEmbedBatch));

export interface WorstRequest {
  readonly name: string;
  readonly description: string;
  /** File names in the folder, one per input. */
  readonly files: readonly string[];
}

export const WORST_REQUESTS: readonly WorstRequest[] = [
  {
    name: "png16",
    description: `${atLimit} × 16-bit RGBA PNG of noise, ${SIDE}×${SIDE}, padded to a ${LIMITS.maxBodyBytes / 2 ** 20} MiB body`,
    files: Array(atLimit).fill("max-rgba16-noise.png"),
  },
  {
    name: "jpeg",
    description: `${atLimit} × JPEG 4:4:4, ${SIDE}×${SIDE}`,
    files: Array(atLimit).fill("max-444.jpg"),
  },
  {
    name: "jpeg-long",
    description: `${atLimit} × JPEG 4:4:4, ${LONG.width}×${LONG.height} (the longest side)`,
    files: Array(atLimit).fill("long-444.jpg"),
  },
  {
    name: "png16-batch",
    description: `${LIMITS.maxEmbedBatch} × 16-bit RGBA PNG of noise, ${batchSide}×${batchSide}`,
    files: Array(LIMITS.maxEmbedBatch).fill("batch-rgba16-noise.png"),
  },
  {
    name: "png-bomb",
    description: `1 × PNG of 1×1 whose data inflates to ${BOMB_BYTES / 2 ** 20} MB (refused: 422)`,
    files: ["bomb.png"],
  },
  {
    name: "jpeg-reduced",
    description: `1 × JPEG 4:4:4, ${REDUCED}×${REDUCED} (decoded at 1/8 to ${REDUCED / 8}×${REDUCED / 8}), padded to a ${LIMITS.maxBodyBytes / 2 ** 20} MiB body`,
    files: ["reduced-444.jpg"],
  },
  {
    name: "jpeg-progressive-reduced",
    description: `1 × progressive JPEG 4:2:0, 2896×1920 (${MAX_PROGRESSIVE_COEFFICIENT_BYTES / 2 ** 20} MiB of coefficients, the most accepted; decoded at 1/8)`,
    files: [PROGRESSIVE_FIXTURE],
  },
  {
    name: "jpeg-one-small",
    description: `1 × JPEG 4:4:4, ${SMALL}×${SMALL} (for scale: one model-sized photo)`,
    files: [WARM_UP_FILE],
  },
];

function flatRgba(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : 90 + (i % 4) * 40));
}

/** 16-bit samples from a seeded LCG: deflate cannot shrink them. */
export function noisePng(side: number, seed = 12345): Uint8Array {
  const samples = new Uint16Array(side * side * 4);
  let state = seed;
  for (let i = 0; i < samples.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    samples[i] = state >>> 16;
  }
  return encodePng({ width: side, height: side, data: samples, depth: 16 });
}

/** Inserts a private ancillary chunk before IEND (the last 12 bytes) so the file is `size` bytes. */
function paddedPng(png: Uint8Array, size: number): Uint8Array {
  // Lower-case first letter: ancillary, skipped by decoders.
  const chunk = pngChunk("prVt", new Uint8Array(Math.max(0, size - png.length - 12)));
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

/** COM segments after SOI (a segment holds at most 65,533 bytes) so the file is about `size` bytes. */
function paddedJpeg(bytes: Uint8Array, size: number): Uint8Array {
  const segments: Uint8Array[] = [];
  for (let room = size - bytes.length; room > 4; room -= 65_537) {
    const payload = Math.min(65_533, room - 4);
    const segment = new Uint8Array(4 + payload);
    segment.set([0xff, 0xfe, (payload + 2) >> 8, (payload + 2) & 0xff]);
    segments.push(segment);
  }
  return Buffer.concat([bytes.subarray(0, 2), ...segments, bytes.subarray(2)]);
}

/** A 1×1 RGB PNG whose image data inflates to BOMB_BYTES: refused before it is decoded. */
function bombPng(): Uint8Array {
  const small = encodePng({ width: 1, height: 1, data: new Uint8Array(3), channels: 3 });
  const idat = pngChunk("IDAT", deflateSync(Buffer.alloc(BOMB_BYTES), { level: 9 }));
  // Signature and IHDR (33 bytes), the bomb, IEND.
  return Buffer.concat([small.subarray(0, 33), idat, small.subarray(-12)]);
}

export async function writeWorstInputs(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const perFile = Math.floor((LIMITS.maxBodyBytes - MULTIPART_SLACK) / atLimit);
  await writeFile(join(folder, "max-rgba16-noise.png"), paddedPng(noisePng(SIDE), perFile));
  await writeFile(join(folder, "batch-rgba16-noise.png"), noisePng(batchSide));
  await writeFile(join(folder, "bomb.png"), bombPng());
  const jpegOf = (width: number, height: number) =>
    jpeg.encode({ width, height, data: flatRgba(width, height) }, 90).data;
  await writeFile(join(folder, "max-444.jpg"), jpegOf(SIDE, SIDE));
  await writeFile(join(folder, "long-444.jpg"), jpegOf(LONG.width, LONG.height));
  await writeFile(join(folder, WARM_UP_FILE), jpegOf(SMALL, SMALL));
  await writeFile(
    join(folder, "reduced-444.jpg"),
    paddedJpeg(jpegOf(REDUCED, REDUCED), LIMITS.maxBodyBytes - MULTIPART_SLACK),
  );
  const fixture = new URL(`../../test/fixtures/${PROGRESSIVE_FIXTURE}`, import.meta.url);
  await writeFile(join(folder, PROGRESSIVE_FIXTURE), await readFile(fixture));
}

/** The request as multipart (no base64 inflation), ready to send to /v1/embed. */
export async function embedForm(folder: string, files: readonly string[]): Promise<FormData> {
  const form = new FormData();
  form.set("backbone", BACKBONE);
  for (const [index, file] of files.entries()) {
    const bytes = await readFile(join(folder, file));
    form.append("inputs", new Blob([bytes]), `${index}-${file}`);
  }
  return form;
}
