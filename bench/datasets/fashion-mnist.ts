/**
 * Fashion-MNIST from Debian's `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist): IDX files,
 * gzip'd. Each 28×28 grey image becomes an RGB image (grey replicated), which the backbone then
 * resizes to its input like any upload.
 */

import { gunzipSync } from "node:zlib";
import type { RgbImage } from "../../models";
import { INSTALL_FASHION_MNIST, readDataFile } from "./missing";

const DIR = "/usr/share/datasets/fashion-mnist";
export const FASHION_LABELS = [
  "t-shirt",
  "trouser",
  "pullover",
  "dress",
  "coat",
  "sandal",
  "shirt",
  "sneaker",
  "bag",
  "ankle-boot",
];

export interface LabelledImages {
  images: RgbImage[];
  labels: string[];
}

/** `split` "train" (60,000) or "test" (10,000); `limit` keeps the first n, which are already shuffled. */
export async function fashionMnist(
  split: "train" | "test",
  limit = Number.POSITIVE_INFINITY,
): Promise<LabelledImages> {
  const prefix = split === "train" ? "train" : "t10k";
  const images = gunzipSync(
    await readDataFile(`${DIR}/${prefix}-images-idx3-ubyte.gz`, INSTALL_FASHION_MNIST),
  );
  const labels = gunzipSync(
    await readDataFile(`${DIR}/${prefix}-labels-idx1-ubyte.gz`, INSTALL_FASHION_MNIST),
  );
  // IDX headers: images = magic, count, rows, cols (4 bytes each, big-endian); labels = magic, count.
  const count = Math.min(images.readUInt32BE(4), limit);
  const rows = images.readUInt32BE(8);
  const cols = images.readUInt32BE(12);
  const pixels = rows * cols;
  const result: LabelledImages = { images: [], labels: [] };
  for (let i = 0; i < count; i++) {
    const grey = images.subarray(16 + i * pixels, 16 + (i + 1) * pixels);
    const data = new Uint8Array(pixels * 3);
    for (let p = 0; p < pixels; p++) data.fill(grey[p] ?? 0, 3 * p, 3 * p + 3);
    result.images.push({ width: cols, height: rows, data });
    result.labels.push(FASHION_LABELS[labels[8 + i] ?? 0] ?? "unknown");
  }
  return result;
}
