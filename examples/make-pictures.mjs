/**
 * Writes small labelled pictures for the walkthrough's image flow (no binary fixtures in git):
 * `node examples/make-pictures.mjs <dir>` makes <dir>/{sunset,sea}-{1..4}.{png,jpg} (96×96) and
 * <dir>/query.jpg, a photo the size of a phone's (2048×1536: the API decodes it at 1/4). A "sunset"
 * is a warm sky with a bright low sun, a "sea" blue water with a pale horizon; the position of the
 * sun or horizon varies, so every file is distinct.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";

const SIZE = 96;

/** RGBA pixels of one picture; `shift` in [0, 1) moves its sun or horizon. */
function picture(kind, shift, width = SIZE, height = SIZE) {
  const data = new Uint8Array(width * height * 4);
  const sunX = width * (0.25 + shift / 2);
  const horizon = height * (0.35 + shift / 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      // Colours as at 96×96, whatever the size.
      const [u, v] = [(x * SIZE) / width, (y * SIZE) / height];
      const inSun = (x - sunX) ** 2 + (y - height * 0.6) ** 2 < (Math.min(width, height) / 7) ** 2;
      const rgb =
        kind === "sunset"
          ? inSun
            ? [255, 240, 160]
            : [230 - v, 90 + v / 2, 40 + u / 4]
          : y < horizon
            ? [200, 220, 240]
            : [20 + u / 8, 70 + v / 3, 160 + v / 2];
      data.set([...rgb.map(Math.round), 255], i);
    }
  }
  return data;
}

function save(dir, name, kind, shift, width = SIZE, height = SIZE) {
  const data = picture(kind, shift, width, height);
  const bytes = name.endsWith(".png")
    ? encodePng({ width, height, data, channels: 4, depth: 8 })
    : jpeg.encode({ width, height, data }, 90).data;
  writeFileSync(join(dir, name), bytes);
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: node examples/make-pictures.mjs <dir>");
mkdirSync(dir, { recursive: true });
for (const kind of ["sunset", "sea"]) {
  for (const n of [1, 2, 3, 4]) save(dir, `${kind}-${n}.${n <= 2 ? "png" : "jpg"}`, kind, n / 5);
}
save(dir, "query.jpg", "sunset", 0.5, 2048, 1536);
