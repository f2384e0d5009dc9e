/**
 * Small generated PNGs for the browser tests (no binary fixtures in git): a colour per label with
 * a gradient and a square whose place varies, so every file is distinct.
 */

import { encode } from "fast-png";

const SIZE = 40;
const COLOURS: Record<string, [number, number, number]> = {
  red: [220, 40, 40],
  green: [40, 180, 60],
  blue: [40, 70, 220],
};

export interface Picture {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** `size` px square: 40 by default; a photo-sized one is over the API's pixel limit. */
export function picture(label: string, index: number, size = SIZE): Picture {
  const [r, g, b] = COLOURS[label] ?? [128, 128, 128];
  const data = new Uint8Array(size * size * 4);
  const spot = 4 + ((index * 7) % (size - 14));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inSpot = x >= spot && x < spot + 10 && y >= spot && y < spot + 10;
      const shade = inSpot ? 255 : 0.6 + (0.4 * y) / size;
      const pixel = inSpot ? [250, 250, 250] : [r * shade, g * shade, b * shade];
      data.set([...pixel.map(Math.round), 255], (y * size + x) * 4);
    }
  }
  const buffer = Buffer.from(encode({ width: size, height: size, data, channels: 4, depth: 8 }));
  return { name: `${label}-${index + 1}.png`, mimeType: "image/png", buffer };
}

export function pictures(label: string, count: number): Picture[] {
  return Array.from({ length: count }, (_, index) => picture(label, index));
}
