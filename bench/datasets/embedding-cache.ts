/**
 * Embeddings of a benchmark data set, computed once with the real backbone on the Node host and kept
 * in bench/data/ (gitignored): `<name>.f32` (rows × dim float32, row-major) and `<name>.json`
 * (labels, backbone, weightsHash). Writing is resumable: an interrupted run continues where it stopped.
 * At the backbone's default layer, or the cut `layer` given; several layers from one pass.
 */

import { existsSync } from "node:fs";
import { appendFile, mkdir, stat, writeFile } from "node:fs/promises";
import type { BackboneInput } from "../../models";
import { resolveCutLayer } from "../../models/cut-layer";
import type { BackbonePool } from "../../src/runtime/backbones";

const DATA_DIR = new URL("../data/", import.meta.url);
const BATCH = 32;

interface Meta {
  backbone: string;
  weightsHash: string;
  dim: number;
  labels: string[];
}

/** A cached set of one data set's embeddings: its file name, at `layer` (default: the backbone's). */
export interface CachedLayer {
  name: string;
  layer?: string;
}

/** Embeds `inputs` once per batch for every set's layer (one forward pass serves them all). */
export async function embedDataset(
  pool: BackbonePool,
  backbone: string,
  inputs: BackboneInput[],
  labels: string[],
  sets: CachedLayer[],
): Promise<void> {
  await mkdir(DATA_DIR, { recursive: true });
  const manifest = pool.manifest(backbone);
  const files = await Promise.all(
    sets.map(async ({ name, layer }) => {
      const { dim, name: layerName } = resolveCutLayer(manifest, layer);
      const binPath = new URL(`${name}.f32`, DATA_DIR);
      const meta: Meta = { backbone, weightsHash: manifest.weightsHash, dim, labels };
      await writeFile(new URL(`${name}.json`, DATA_DIR), JSON.stringify(meta));
      const done = existsSync(binPath) ? (await stat(binPath)).size / (dim * 4) : 0;
      return { name, layer: layerName, dim, binPath, done };
    }),
  );
  const layers = files.map((file) => file.layer);
  for (
    let start = Math.min(...files.map((file) => file.done));
    start < inputs.length;
    start += BATCH
  ) {
    const batch = inputs.slice(start, start + BATCH);
    const perLayer = await pool.embedLayers(backbone, batch, layers);
    for (const [k, file] of files.entries()) {
      // A set an earlier, interrupted run took further keeps the rows it has.
      const fresh = (perLayer[k] ?? []).slice(Math.max(0, file.done - start));
      const chunk = new Float32Array(fresh.length * file.dim);
      for (const [row, vector] of fresh.entries()) chunk.set(vector, row * file.dim);
      await appendFile(file.binPath, new Uint8Array(chunk.buffer));
    }
    if ((start / BATCH) % 20 === 0)
      console.error(
        `${files.map((file) => file.name).join(", ")}: ${start + batch.length}/${inputs.length}`,
      );
  }
}
