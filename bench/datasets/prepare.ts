/**
 * `spam-sample=N` embeds a seeded sample of N spam and N ham messages with use-lite and with lexical
 * (`spam-assassin-<2N>.<backbone>`), and with use-lite at encoder-mean (`….use-lite.encoder-mean`):
 * a quick stand-in for the whole corpus, and the pairs a fusion reads.
 *
 * Embeds the benchmark data sets once (resumable; minutes for SpamAssassin, tens of minutes for
 * Fashion-MNIST on one core): `tsx bench/datasets/prepare.ts [spam] [fashion[=TRAIN,TEST]]`.
 * `fashion=10000,2000` embeds the first 10,000 training and 2,000 test images (both splits are
 * shuffled, so prefixes are near-stratified) with MobileNetV2 1.4, at its published `pooled` output
 * and at `block16-grid-2x2`, where its adapters start; a later run with larger numbers extends the cache.
 */

import { SeededRandom } from "../../adapters/random";
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
  await embedDataset(pool, "use-lite", inputs, groups, [{ name: "spam-assassin.use-lite" }]);
}
const sampled = which.find((arg) => arg.startsWith("spam-sample="));
if (sampled) {
  const perClass = Number(sampled.slice("spam-sample=".length));
  const { texts, groups } = spamAssassin();
  const random = new SeededRandom(0);
  const pick = (spam: boolean) =>
    random
      .shuffle(groups.flatMap((group, i) => (group.startsWith("spam") === spam ? [i] : [])))
      .slice(0, perClass);
  const chosen = [...pick(true), ...pick(false)].sort((a, b) => a - b);
  const inputs = chosen.map((i) => ({ kind: "text" as const, text: texts[i] as string }));
  const labels = chosen.map((i) => groups[i] as string);
  const name = `spam-assassin-${2 * perClass}`;
  await embedDataset(pool, "lexical", inputs, labels, [{ name: `${name}.lexical` }]);
  // use-lite also at the layer its adapters start on (its manifest's adapterLayer).
  await embedDataset(pool, "use-lite", inputs, labels, [
    { name: `${name}.use-lite` },
    { name: `${name}.use-lite.encoder-mean`, layer: "encoder-mean" },
  ]);
}
if (wanted("fashion")) {
  for (const [split, limit] of [
    ["test", testLimit],
    ["train", trainLimit],
  ] as const) {
    const { images, labels } = await fashionMnist(split, limit);
    const inputs = images.map((image) => ({ kind: "image" as const, image }));
    const name = `fashion-mnist-${split}.mobilenet-v2`;
    // Also at the layer its adapters start on (its manifest's adapterLayer).
    const layer = "block16-grid-2x2";
    await embedDataset(pool, "mobilenet-v2", inputs, labels, [
      { name },
      { name: `${name}.${layer}`, layer },
    ]);
  }
}
