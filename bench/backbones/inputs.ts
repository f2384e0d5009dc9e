/** The request bodies both hosts are timed on: the same bytes, through the same /v1/embed code. */

import jpeg from "jpeg-js";
import { BACKBONES } from "../../models";
import { pictureRgb, toBase64 } from "../../test/fixtures/pictures";

const SENTENCES = [
  "the quarterly report shows revenue grew in every region",
  "a kitten is sleeping on the warm windowsill this morning",
  "the home team scored twice in the final ten minutes",
  "simmer the onions slowly until they turn golden brown",
];

/**
 * A 4:3 JPEG, so decoding and resizing are part of the cost: 144×108, the largest that lets a batch
 * of 16 fit the per-request pixel budget (src/limits.ts; earlier runs used 320×240).
 */
const PHOTO = { width: 144, height: 108 };

function photo(seed: number): string {
  const { width, height } = PHOTO;
  const rgb = pictureRgb(width, height, seed);
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++)
    rgba.set([rgb[3 * i] ?? 0, rgb[3 * i + 1] ?? 0, rgb[3 * i + 2] ?? 0, 255], 4 * i);
  return toBase64(jpeg.encode({ width, height, data: rgba }, 90).data);
}

export function embedBody(backbone: string, batch: number): string {
  const images = BACKBONES[backbone]?.manifest.modality === "image";
  const inputs = Array.from({ length: batch }, (_, i) =>
    images ? { image: photo(i % 4) } : SENTENCES[i % SENTENCES.length],
  );
  return JSON.stringify({ backbone, inputs });
}
