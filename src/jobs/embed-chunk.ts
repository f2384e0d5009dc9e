/**
 * Embeds the next chunk of an adapter's retained raw samples into one of the runner's vector sets:
 * the step of switch and selection jobs that re-embed. The set's size is the cursor, stored with the
 * vectors, so a retried chunk is not embedded twice.
 */

import { type EmbedTarget, embedRaw } from "../selection/embed-raw";
import type { RawSampleRef } from "../storage/samples-table";
import type { JobContext } from "./job-steps";
import { readRetainedSamples } from "./retained-samples";

/**
 * Inputs per step: 4 images are about 0.4–1 s of MobileNetV2 on one core (100–250 ms an image,
 * bench/results/backbones.md and under load); texts are far cheaper.
 */
const CHUNK = { image: 4, text: 32 } as const;

export interface EmbeddedChunk {
  /** Samples of the set after this chunk. */
  embedded: number;
  /** Backbone time of this chunk (warm-up excluded). */
  embedMs: number;
}

export async function embedNextChunk(
  context: JobContext,
  refs: RawSampleRef[],
  set: string,
  target: EmbedTarget,
): Promise<EmbeddedChunk> {
  const { manifest } = target;
  const offset = context.vectors.countVectors(set);
  const chunk = refs.slice(offset, offset + CHUNK[manifest.modality]);
  const samples = await readRetainedSamples(context.rawSamples, chunk, manifest.modality);
  const { vectors, embedMs } = await embedRaw(
    context.backbones(),
    target,
    samples.map((sample) => sample.raw),
    { firstChunk: offset === 0 },
  );
  context.vectors.appendVectors(
    set,
    chunk.map((ref, i) => ({
      label: ref.label,
      hash: ref.hash,
      vector: vectors[i] as Float32Array,
    })),
  );
  return { embedded: offset + chunk.length, embedMs };
}
