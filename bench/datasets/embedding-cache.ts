/**
 * Embeddings of a benchmark data set, computed once with the real backbone on the Node host and kept
 * in bench/data/ (gitignored): `<name>.f32` (rows × dim float32, row-major) and `<name>.json`
 * (labels, backbone, weightsHash). Writing is resumable: an interrupted run continues where it stopped.
 * At the backbone's default layer, or the cut `layer` given.
 */

import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import type { BackboneInput } from "../../models";
import { resolveCutLayer } from "../../models/cut-layer";
import type { BackbonePool } from "../../src/runtime/backbones";

const DATA_DIR = new URL("../data/", import.meta.url);
const BATCH = 32;

export interface EmbeddingSet {
  backbone: string;
  weightsHash: string;
  dim: number;
  labels: string[];
  features: Float32Array[];
}

interface Meta {
  backbone: string;
  weightsHash: string;
  dim: number;
  labels: string[];
}

export async function embedDataset(
  pool: BackbonePool,
  name: string,
  backbone: string,
  inputs: BackboneInput[],
  labels: string[],
  layer?: string,
): Promise<EmbeddingSet> {
  await mkdir(DATA_DIR, { recursive: true });
  const manifest = pool.manifest(backbone);
  const { dim } = resolveCutLayer(manifest, layer);
  const binPath = new URL(`${name}.f32`, DATA_DIR);
  const meta: Meta = { backbone, weightsHash: manifest.weightsHash, dim, labels };
  await writeFile(new URL(`${name}.json`, DATA_DIR), JSON.stringify(meta));
  const done = existsSync(binPath) ? (await stat(binPath)).size / (dim * 4) : 0;
  for (let start = done; start < inputs.length; start += BATCH) {
    const { embeddings } = await pool.embed(backbone, inputs.slice(start, start + BATCH), layer);
    const chunk = new Float32Array(embeddings.length * dim);
    for (const [row, vector] of embeddings.entries()) chunk.set(vector, row * dim);
    await appendFile(binPath, new Uint8Array(chunk.buffer));
    if ((start / BATCH) % 20 === 0)
      console.error(`${name}: ${start + embeddings.length}/${inputs.length}`);
  }
  return readEmbeddingSet(name);
}

export async function readEmbeddingSet(name: string): Promise<EmbeddingSet> {
  const meta = JSON.parse(await readFile(new URL(`${name}.json`, DATA_DIR), "utf8")) as Meta;
  const bytes = await readFile(new URL(`${name}.f32`, DATA_DIR));
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const rows = Math.min(meta.labels.length, all.length / meta.dim);
  const features = Array.from({ length: rows }, (_, row) =>
    all.slice(row * meta.dim, (row + 1) * meta.dim),
  );
  return { ...meta, labels: meta.labels.slice(0, rows), features };
}
