/**
 * The finetune bench's inputs, computed once per image and kept in bench/data/ (gitignored), because
 * running the backbone over Fashion-MNIST is the slow part on this machine (a few images/s):
 * `finetune-<backbone>-<split>.bin`, appended record by record (resumable), each record the image's
 * index in the split (int32), its cut activations int8-encoded as the service stores them
 * (activation-codec), then its pooled, normalised embedding (float32).
 */

import { existsSync } from "node:fs";
import { appendFile, mkdir, readFile, truncate } from "node:fs/promises";
import {
  encodeActivations,
  encodedActivationBytes,
} from "../../adapters/finetune/activation-codec";
import type { RgbImage } from "../../models";
import type { CutNetwork } from "./cut-network";

const DATA_DIR = new URL("../data/", import.meta.url);
const BATCH = 32;

export interface CutSample {
  /** Cut activations, int8-encoded (activation-codec). */
  map: Uint8Array;
  embedding: Float32Array;
}

export interface CutShape {
  positions: number;
  channels: number;
  dim: number;
}

/** The cached samples of `split` at `indices`, running the network for those not cached yet. */
export async function cachedCutSamples(
  network: CutNetwork,
  shape: CutShape,
  split: "train" | "test",
  indices: readonly number[],
  imageOf: (index: number) => RgbImage,
): Promise<Map<number, CutSample>> {
  await mkdir(DATA_DIR, { recursive: true });
  const file = cacheFile(network.manifest.id, split);
  const cached = await readCutCache(network.manifest.id, shape, split);
  // A record cut short by an interrupted write is dropped, so appends stay aligned.
  await truncate(file, cached.size * recordLength(shape)).catch(() => undefined);
  const missing = indices.filter((index) => !cached.has(index));
  const started = performance.now();
  for (let start = 0; start < missing.length; start += BATCH) {
    const batch = missing.slice(start, start + BATCH);
    const { maps, embeddings } = await network.run(batch.map(imageOf));
    const records = batch.map((index, i) => {
      const sample = {
        map: encodeActivations(maps[i] as Float32Array, shape.positions, shape.channels),
        embedding: embeddings[i] as Float32Array,
      };
      cached.set(index, sample);
      return recordBytes(index, sample);
    });
    await appendFile(file, Buffer.concat(records));
    const done = start + batch.length;
    const rate = done / ((performance.now() - started) / 1000);
    console.error(
      `finetune cache ${split}: ${done}/${missing.length} (${rate.toFixed(1)} images/s)`,
    );
  }
  return cached;
}

/** What the cache holds for `split` so far, without running anything. */
export async function readCutCache(
  backbone: string,
  shape: CutShape,
  split: "train" | "test",
): Promise<Map<number, CutSample>> {
  const file = cacheFile(backbone, split);
  return existsSync(file) ? parseRecords(await readFile(file), shape) : new Map();
}

function cacheFile(backbone: string, split: "train" | "test"): URL {
  return new URL(`finetune-${backbone}-${split}.bin`, DATA_DIR);
}

function recordLength(shape: CutShape): number {
  return 4 + encodedActivationBytes(shape.positions, shape.channels) + 4 * shape.dim;
}

function recordBytes(index: number, sample: CutSample): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32LE(index);
  return Buffer.concat([head, sample.map, new Uint8Array(sample.embedding.buffer.slice(0))]);
}

function parseRecords(bytes: Buffer, shape: CutShape): Map<number, CutSample> {
  const length = recordLength(shape);
  const mapBytes = encodedActivationBytes(shape.positions, shape.channels);
  const records = new Map<number, CutSample>();
  for (let at = 0; at + length <= bytes.length; at += length) {
    const embedding = new Float32Array(shape.dim);
    new Uint8Array(embedding.buffer).set(bytes.subarray(at + 4 + mapBytes, at + length));
    records.set(bytes.readInt32LE(at), {
      map: new Uint8Array(bytes.subarray(at + 4, at + 4 + mapBytes)),
      embedding,
    });
  }
  return records;
}
