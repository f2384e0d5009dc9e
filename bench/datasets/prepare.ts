/**
 * Embeds the benchmark data sets once (resumable; minutes for SpamAssassin, tens of minutes for
 * Fashion-MNIST on one core): `tsx bench/datasets/prepare.ts [spam] [fashion[=TRAIN,TEST]]`.
 * `fashion=10000,2000` embeds the first 10,000 training and 2,000 test images (both splits are
 * shuffled, so prefixes are near-stratified); a later run with larger numbers extends the cache.
 */

import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import { embedDataset } from "./embedding-cache";
import { fashionMnist } from "./fashion-mnist";
import { spamAssassin } from "./spam-assassin";

const pool = new BackbonePool(await nodeHost());
const which = process.argv.slice(2);
const wanted = (name: string) =>
  which.length === 0 || which.some((arg) => arg.split("=")[0] === name);
const [trainLimit, testLimit] = (which.find((arg) => arg.startsWith("fashion="))?.slice(8) ?? "")
  .split(",")
  .map((limit) => Number(limit) || Number.POSITIVE_INFINITY);

if (wanted("spam")) {
  const { texts, groups } = spamAssassin();
  const inputs = texts.map((text) => ({ kind: "text" as const, text }));
  await embedDataset(pool, "spam-assassin.use-lite", "use-lite", inputs, groups);
}
if (wanted("fashion")) {
  for (const [split, limit] of [
    ["test", testLimit],
    ["train", trainLimit],
  ] as const) {
    const { images, labels } = await fashionMnist(split, limit);
    const inputs = images.map((image) => ({ kind: "image" as const, image }));
    await embedDataset(pool, `fashion-mnist-${split}.mobilenet-v2`, "mobilenet-v2", inputs, labels);
  }
}
