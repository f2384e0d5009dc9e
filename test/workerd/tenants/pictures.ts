/** Generated pictures for the image flows: seeded, one dominant colour each, as PNG. */

import { encode } from "fast-png";

/** A picture dominated by one colour, with seeded speckles so no two are the same. */
export function tinted(colour: [number, number, number], seed: number): Uint8Array {
  const width = 48;
  const height = 48;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const speckle = ((i * 7919 + seed * 104729) % 97) / 97 - 0.5;
    for (let c = 0; c < 3; c++)
      data[i * 3 + c] = Math.max(0, Math.min(255, (colour[c] ?? 0) + speckle * 60));
  }
  return encode({ width, height, data, channels: 3, depth: 8 });
}

export const RED: [number, number, number] = [220, 30, 30];
export const BLUE: [number, number, number] = [30, 40, 220];

export function imageForm(pictures: Uint8Array[], labels: string[]): FormData {
  const form = new FormData();
  for (const [index, png] of pictures.entries()) {
    form.append("inputs", new Blob([png], { type: "image/png" }), `${index}.png`);
  }
  for (const label of labels) form.append("labels", label);
  return form;
}
