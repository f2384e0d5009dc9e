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

/** A 320×240 JPEG, a typical upload size, so decoding and resizing are part of the cost. */
function photo(seed: number): string {
  const rgb = pictureRgb(320, 240, seed);
  const rgba = new Uint8Array(320 * 240 * 4);
  for (let i = 0; i < 320 * 240; i++)
    rgba.set([rgb[3 * i] ?? 0, rgb[3 * i + 1] ?? 0, rgb[3 * i + 2] ?? 0, 255], 4 * i);
  return toBase64(jpeg.encode({ width: 320, height: 240, data: rgba }, 90).data);
}

export function embedBody(backbone: string, batch: number): string {
  const images = BACKBONES[backbone]?.manifest.modality === "image";
  const inputs = Array.from({ length: batch }, (_, i) =>
    images ? { image: photo(i % 4) } : SENTENCES[i % SENTENCES.length],
  );
  return JSON.stringify({ backbone, inputs });
}
