/**
 * Embeds the benchmark data sets once (resumable; minutes for SpamAssassin, tens of minutes for
 * Fashion-MNIST on one core): `tsx bench/datasets/prepare.ts [spam|fashion]`.
 */

import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import { embedDataset } from "./embedding-cache";
import { fashionMnist } from "./fashion-mnist";
import { spamAssassin } from "./spam-assassin";

const pool = new BackbonePool(await nodeHost());
const which = process.argv.slice(2);
const wanted = (name: string) => which.length === 0 || which.includes(name);

if (wanted("spam")) {
  const { texts, groups } = spamAssassin();
  const inputs = texts.map((text) => ({ kind: "text" as const, text }));
  await embedDataset(pool, "spam-assassin.use-lite", "use-lite", inputs, groups);
}
if (wanted("fashion")) {
  for (const split of ["test", "train"] as const) {
    const { images, labels } = await fashionMnist(split);
    const inputs = images.map((image) => ({ kind: "image" as const, image }));
    await embedDataset(pool, `fashion-mnist-${split}.mobilenet-v2`, "mobilenet-v2", inputs, labels);
  }
}
