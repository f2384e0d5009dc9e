/**
 * Writes small labelled pictures for the walkthrough's image flow (no binary fixtures in git):
 * `node examples/make-pictures.mjs <dir>` makes <dir>/{sunset,sea}-{1..4}.{png,jpg} and
 * <dir>/query.jpg. A "sunset" is a warm sky with a bright low sun, a "sea" blue water with a pale
 * horizon; the position of the sun or horizon varies, so every file is distinct.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";

const SIZE = 96;

/** RGBA pixels of one picture; `shift` in [0, 1) moves its sun or horizon. */
function picture(kind, shift) {
  const data = new Uint8Array(SIZE * SIZE * 4);
  const sunX = SIZE * (0.25 + shift / 2);
  const horizon = SIZE * (0.35 + shift / 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 4;
      const inSun = (x - sunX) ** 2 + (y - SIZE * 0.6) ** 2 < (SIZE / 7) ** 2;
      const rgb =
        kind === "sunset"
          ? inSun
            ? [255, 240, 160]
            : [230 - y, 90 + y / 2, 40 + x / 4]
          : y < horizon
            ? [200, 220, 240]
            : [20 + x / 8, 70 + y / 3, 160 + y / 2];
      data.set([...rgb.map(Math.round), 255], i);
    }
  }
  return data;
}

function save(dir, name, kind, shift) {
  const data = picture(kind, shift);
  const bytes = name.endsWith(".png")
    ? encodePng({ width: SIZE, height: SIZE, data, channels: 4, depth: 8 })
    : jpeg.encode({ width: SIZE, height: SIZE, data }, 90).data;
  writeFileSync(join(dir, name), bytes);
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: node examples/make-pictures.mjs <dir>");
mkdirSync(dir, { recursive: true });
for (const kind of ["sunset", "sea"]) {
  for (const n of [1, 2, 3, 4]) save(dir, `${kind}-${n}.${n <= 2 ? "png" : "jpg"}`, kind, n / 5);
}
save(dir, "query.jpg", "sunset", 0.5);
