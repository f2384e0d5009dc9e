/**
 * `tsx bench/finetune/layer-sets.ts [perClass=256] [test=3200]`: the finetune cache's Fashion-MNIST
 * samples as embedding sets for the heads bench (bench/heads/cli.ts), one per layer the cached data
 * gives without running the network again: `pooled` (the cached embedding), and `block16` and
 * `block16-grid` (the int8 block16 map decoded, then pooled and L2-normalised as the manifest's
 * layer is). Writes bench/data/finetune-<backbone>-<layer>-{train,test}.{json,f32}, and prints how
 * close the vectors made from the int8 maps are to the backbone's own on a few test images.
 */

import { writeFile } from "node:fs/promises";
import { decodeActivationsInto } from "../../adapters/finetune/activation-codec";
import { resolveCutLayer } from "../../models/cut-layer";
import type { CutLayer } from "../../models/manifest";
import { l2NormalizedRows, poolLayerRows } from "../../models/vectors";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import { fashionMnist } from "../datasets/fashion-mnist";
import type { CutSample, CutShape } from "./cut-cache";
import { cutNetwork } from "./cut-network";
import { finetuneInputs } from "./inputs";

const BACKBONE = process.env.FINETUNE_BACKBONE ?? "mobilenet-v2-100";
const LAYERS = ["pooled", "block16", "block16-grid"];
const CHECKED_IMAGES = 16;
const DATA_DIR = new URL("../data/", import.meta.url);

const [perClass = "256", testCount = "3200"] = process.argv.slice(2);
const network = await cutNetwork(BACKBONE);
const { shape, train, test } = await finetuneInputs(network, Number(perClass), Number(testCount));

for (const name of LAYERS) {
  const layer = resolveCutLayer(network.manifest, name);
  for (const [split, set] of [
    ["train", train],
    ["test", test],
  ] as const) {
    const rows = set.samples.map((sample) => layerVector(sample, shape, layer));
    const file = `finetune-${BACKBONE}-${name}-${split}`;
    const meta = {
      backbone: BACKBONE,
      weightsHash: network.manifest.weightsHash,
      dim: layer.dim,
      labels: set.labels,
    };
    await writeFile(new URL(`${file}.json`, DATA_DIR), JSON.stringify(meta));
    await writeFile(new URL(`${file}.f32`, DATA_DIR), concatenated(rows));
    console.error(`${file}: ${rows.length} × ${layer.dim}`);
  }
}

// The int8 cost: the same test images through the backbone itself, at each layer.
const pool = new BackbonePool(await nodeHost());
const images = (await fashionMnist("test", CHECKED_IMAGES)).images.map((image) => ({
  kind: "image" as const,
  image,
}));
for (const name of LAYERS) {
  const layer = resolveCutLayer(network.manifest, name);
  const { embeddings } = await pool.embed(BACKBONE, images, name);
  const cosines = embeddings.map((vector, i) =>
    dot(vector, layerVector(test.samples[i] as CutSample, shape, layer)),
  );
  console.log(
    `${name}: cosine of the cached vector to the backbone's, min ${Math.min(...cosines).toFixed(5)} over ${cosines.length} test images`,
  );
}

/** The cached sample at `layer`: the embedding, or the decoded map pooled and normalised as served. */
function layerVector(sample: CutSample, shape: CutShape, layer: CutLayer): Float32Array {
  if (layer.pooling === "none") return sample.embedding;
  const map = new Float64Array(shape.positions * shape.channels);
  decodeActivationsInto(sample.map, shape.positions, shape.channels, map, 0);
  const side = Math.sqrt(shape.positions);
  const pooled = poolLayerRows(Float32Array.from(map), [1, side, side, shape.channels], layer);
  return l2NormalizedRows(pooled, layer.dim)[0] as Float32Array;
}

function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, i) => sum + value * (b[i] as number), 0);
}

function concatenated(rows: Float32Array[]): Uint8Array {
  const flat = new Float32Array(rows.reduce((n, row) => n + row.length, 0));
  let at = 0;
  for (const row of rows) {
    flat.set(row, at);
    at += row.length;
  }
  return new Uint8Array(flat.buffer);
}
