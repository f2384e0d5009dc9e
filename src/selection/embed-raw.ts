/**
 * Embeds raw samples (as uploaded) with one backbone and cut layer, in batches, timing only the
 * backbone calls. Each batch is preprocessed (images decoded) just before it is embedded and
 * outside the timed part, so a large image adapter is never decoded all at once. The first call's
 * load is excluded by warming up on one input first. workerd advances its clock only at I/O, so
 * each timed batch sits between two timer yields; that makes the clock read the batch's end.
 */

import type { BackboneManifest } from "../../models";
import { type RawInput, toBackboneInputs } from "../routes/inputs";
import type { BackbonePool } from "../runtime/backbones";

const EMBED_BATCH = 32;

export interface EmbeddedRaw {
  vectors: Float32Array[];
  /** Time spent in the backbone, warm-up excluded. */
  embedMs: number;
}

export async function embedRaw(
  pool: BackbonePool,
  manifest: BackboneManifest,
  layer: string,
  raws: RawInput[],
  /** Skip the warm-up when the backbone already ran in this isolate (a job's later chunks). */
  { warmUp = true }: { warmUp?: boolean } = {},
): Promise<EmbeddedRaw> {
  const batchAt = (start: number, size: number) =>
    toBackboneInputs(manifest, raws.slice(start, start + size), size);
  if (warmUp) await pool.embed(manifest.id, await batchAt(0, 1), layer);
  const vectors: Float32Array[] = [];
  let embedMs = 0;
  for (let start = 0; start < raws.length; start += EMBED_BATCH) {
    const inputs = await batchAt(start, EMBED_BATCH);
    await yieldToTimer();
    const started = performance.now();
    const { embeddings } = await pool.embed(manifest.id, inputs, layer);
    await yieldToTimer();
    embedMs += performance.now() - started;
    vectors.push(...embeddings);
  }
  return { vectors, embedMs };
}

function yieldToTimer(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
