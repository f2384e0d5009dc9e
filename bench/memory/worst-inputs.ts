/**
 * The heaviest /v1/embed requests for MobileNetV2 that pass validation, written once to a folder so
 * that every host reads the same bytes: as many images of the per-image limit as the request's pixel
 * budget allows (16-bit RGBA PNGs; JPEGs with three full-resolution components, jpeg-js's costliest
 * three-component layout), and a full batch of smaller JPEGs that together use the whole budget;
 * plus one such smaller JPEG alone, for scale.
 * Pictures are flat: decoding cost does not depend on content, and flat files stay small.
 */

import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { manifest } from "../../models/mobilenet-v2/manifest";
import { LIMITS } from "../../src/limits";

export const BACKBONE = manifest.id;
const MAX_WIDTH = 4096;
const MAX_HEIGHT = 3072;

export interface WorstRequest {
  readonly name: string;
  readonly description: string;
  /** File names in the folder, one per input. */
  readonly files: readonly string[];
}

const atLimit = Math.floor(LIMITS.maxRequestPixels / (MAX_WIDTH * MAX_HEIGHT));
const SMALL = { width: 1024, height: 768 };
const smallCount = Math.min(
  LIMITS.maxEmbedBatch,
  Math.floor(LIMITS.maxRequestPixels / (SMALL.width * SMALL.height)),
);

export const WORST_REQUESTS: readonly WorstRequest[] = [
  {
    name: "png16",
    description: `${atLimit} × 16-bit RGBA PNG, ${MAX_WIDTH}×${MAX_HEIGHT}`,
    files: Array(atLimit).fill("max-rgba16.png"),
  },
  {
    name: "jpeg",
    description: `${atLimit} × JPEG 4:4:4, ${MAX_WIDTH}×${MAX_HEIGHT}`,
    files: Array(atLimit).fill("max-444.jpg"),
  },
  {
    name: "jpeg-one-small",
    description: `1 × JPEG 4:4:4, ${SMALL.width}×${SMALL.height} (for scale: what one modest photo costs)`,
    files: ["small-444.jpg"],
  },
  {
    name: "jpeg-batch",
    description: `${smallCount} × JPEG 4:4:4, ${SMALL.width}×${SMALL.height}`,
    files: Array(smallCount).fill("small-444.jpg"),
  },
];

function flatRgba(width: number, height: number): Uint8Array {
  return new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : 90 + (i % 4) * 40));
}

export async function writeWorstInputs(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const wide = new Uint16Array(MAX_WIDTH * MAX_HEIGHT * 4);
  for (let i = 0; i < wide.length; i += 4) wide.set([0x5a00, 0x8200, 0xaa00, 0xffff], i);
  await writeFile(
    join(folder, "max-rgba16.png"),
    encodePng({ width: MAX_WIDTH, height: MAX_HEIGHT, data: wide, depth: 16 }),
  );
  const jpegOf = (width: number, height: number) =>
    jpeg.encode({ width, height, data: flatRgba(width, height) }, 90).data;
  await writeFile(join(folder, "max-444.jpg"), jpegOf(MAX_WIDTH, MAX_HEIGHT));
  await writeFile(join(folder, "small-444.jpg"), jpegOf(SMALL.width, SMALL.height));
}

/** The request as multipart (no base64 inflation), ready to send to /v1/embed. */
export async function embedForm(folder: string, request: WorstRequest): Promise<FormData> {
  const form = new FormData();
  form.set("backbone", BACKBONE);
  for (const [index, file] of request.files.entries()) {
    const bytes = await readFile(join(folder, file));
    form.append("inputs", new Blob([bytes]), `${index}-${file}`);
  }
  return form;
}
