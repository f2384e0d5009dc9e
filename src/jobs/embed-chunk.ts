/**
 * Embeds the next chunk of an adapter's retained raw samples into one of the runner's vector sets:
 * the step of switch and selection jobs that re-embed. The set's size is the cursor, stored with the
 * vectors, so a retried chunk is not embedded twice.
 */

import { isFusionId } from "../../models/fusion";
import type { BackbonePool } from "../runtime/backbones";
import { type EmbedTarget, embedRaw } from "../selection/embed-raw";
import type { LabelledRaw } from "../selection/select-backbone";
import type { RawSampleRef } from "../storage/samples-table";
import type { JobContext } from "./job-steps";
import { readRetainedSamples } from "./retained-samples";

/**
 * Inputs per step, at most: 4 images are about 0.4–1 s of MobileNetV2 on one core (100–250 ms an
 * image, bench/results/backbones.md and under load). Texts are fewer when long (see TEXT_CHUNK_FLOPS).
 */
const CHUNK = { image: 4, text: 32 } as const;

/**
 * A text chunk's work, by its backbones' manifests (`flops` per token): about as long a step as 4
 * images' on use-lite (bench/results/load.md), which takes about 25 ms for a short sentence and
 * 130 ms for 640 characters under load. 32 texts of e-mail length were a 3–5 s step, which blocked
 * whatever else the isolate served meanwhile; a smaller budget (one 2,000-character text a step)
 * would take a switch of 5,000 such texts near the job's 6,000 steps.
 */
const TEXT_CHUNK_FLOPS = 1.2e10;
/** A token is taken as 4 characters, and each text as 16 more tokens (its fixed cost per pass). */
const CHARS_PER_TOKEN = 4;
const TOKENS_PER_TEXT = 16;
/** Raw samples read at once while filling a chunk. */
const READ_PAGE = 8;

export interface EmbeddedChunk {
  /** Samples of the set after this chunk. */
  embedded: number;
  /** Backbone time of this chunk (warm-up excluded). */
  embedMs: number;
}

/**
 * Embeds the next chunk into `sets`, one per output of the target (its layers in order, or the one
 * of a fusion), which hold the same samples so far: the first set's size is the cursor.
 */
export async function embedNextChunk(
  context: JobContext,
  refs: RawSampleRef[],
  sets: string[],
  target: EmbedTarget,
): Promise<EmbeddedChunk> {
  const offset = context.vectors.countVectors(sets[0] as string);
  const samples = await readChunk(context, refs.slice(offset), target);
  const { vectors, embedMs } = await embedRaw(
    context.backbones(),
    target,
    samples.map((sample) => sample.raw),
    { firstChunk: offset === 0 },
  );
  if (vectors.length !== sets.length) {
    throw new Error(`${sets.length} vector sets for ${vectors.length} outputs`);
  }
  // No await between the sets' appends: a step that stops leaves them all the same length.
  for (const [k, set] of sets.entries()) {
    context.vectors.appendVectors(
      set,
      samples.map((sample, i) => ({
        label: sample.label,
        hash: (refs[offset + i] as RawSampleRef).hash,
        vector: vectors[k]?.[i] as Float32Array,
      })),
    );
  }
  return { embedded: offset + samples.length, embedMs };
}

/**
 * The samples to embed next, read a page at a time, so that a chunk cut short by long texts leaves
 * few reads unused.
 */
async function readChunk(
  context: JobContext,
  refs: RawSampleRef[],
  target: EmbedTarget,
): Promise<LabelledRaw[]> {
  const { modality } = target.manifest;
  const perToken = flopsPerToken(context.backbones(), target);
  const limit = Math.min(CHUNK[modality], refs.length);
  const read: LabelledRaw[] = [];
  while (read.length < limit) {
    const page = refs.slice(read.length, Math.min(limit, read.length + READ_PAGE));
    read.push(...(await readRetainedSamples(context.rawSamples, page, modality)));
    const length = chunkLength(read, perToken);
    if (length < read.length) return read.slice(0, length);
  }
  return read;
}

/** How many of the samples (a chunk's worth read) to embed in this step: at least one. */
export function chunkLength(samples: LabelledRaw[], textFlopsPerToken: number): number {
  let flops = 0;
  for (const [index, { raw }] of samples.entries()) {
    if (raw.kind !== "text") return samples.length;
    flops += textFlopsPerToken * (Math.ceil(raw.text.length / CHARS_PER_TOKEN) + TOKENS_PER_TEXT);
    if (flops > TEXT_CHUNK_FLOPS) return Math.max(1, index);
  }
  return samples.length;
}

/** The target's cost per text token: a fusion's parts' summed. */
function flopsPerToken(pool: BackbonePool, target: EmbedTarget): number {
  const manifests = isFusionId(target.backbone)
    ? pool.fusion(target.backbone).parts.map((part) => part.manifest)
    : [target.manifest];
  return manifests.reduce(
    (sum, manifest) => sum + (manifest.flops.per === "token" ? manifest.flops.approx : 0),
    0,
  );
}
