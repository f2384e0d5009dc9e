/**
 * Embeds raw samples (as uploaded) with a backbone at one or more cut layers (or a fusion), in batches, timing only the
 * backbone calls. Each batch is preprocessed (images decoded) just before it is embedded and
 * outside the timed part, so a large image adapter is never decoded all at once; the backbone's own
 * resize and scaling, per forward batch, count as its time. The first call's load is excluded by
 * warming up on one input first. workerd advances its clock only at I/O, so each timed batch sits
 * between two timer yields; that makes the clock read the batch's end.
 */

import type { BackboneInput, BackboneManifest } from "../../models";
import { isFusionId } from "../../models/fusion";
import { checkImageHeader } from "../../models/image";
import { LIMITS } from "../limits";
import { type RawInput, toBackboneInputs } from "../runtime/backbone-inputs";
import type { BackbonePool } from "../runtime/backbones";
import { sleep } from "../shared-wait";
import type { Candidate } from "./candidates";

const EMBED_BATCH = 32;

export interface EmbeddedRaw {
  /** Per layer of the target, one vector per sample. */
  vectors: Float32Array[][];
  /** Time spent in the backbone, warm-up excluded. */
  embedMs: number;
}

/**
 * What to embed with: a backbone at one or more of its cut layers (every forward pass serves them
 * all), or a fusion id with no layers (its parts' layers are in the id).
 */
export interface EmbedTarget {
  backbone: string;
  layers: string[];
  /** Prepares the inputs (a fusion's parts take the same ones). */
  manifest: BackboneManifest;
}

/** Cut layers of one network, as one target: each forward pass serves them all. */
export function layersTarget(candidates: Candidate[]): EmbedTarget {
  const [first] = candidates;
  if (!first || candidates.some((candidate) => candidate.backbone !== first.backbone)) {
    throw new Error("one pass embeds with one backbone");
  }
  const layers = candidates.map((candidate) => candidate.layer);
  return { backbone: first.backbone, layers, manifest: first.manifest };
}

/**
 * A candidate's latency is timed at its layer alone, the same way for every candidate whatever
 * pass embedded it: LATENCY_PASSES forward passes of LATENCY_PASS samples (the pool's first ones),
 * one per step, and the fastest counts: a pass slowed by other work on the host says nothing about
 * the layer, and on a shared machine one in two can be.
 */
export const LATENCY_PASSES = 3;
export const LATENCY_PASS = 2;

/** The timing passes a pool of `samples` allows (fewer under 6 samples, at least one). */
export function latencyPasses(samples: number): number {
  return Math.max(1, Math.min(LATENCY_PASSES, Math.ceil(samples / LATENCY_PASS)));
}

/** What timing pass `pass` embeds: the pool's samples from LATENCY_PASS × pass on. */
export function latencySamples<T>(samples: T[], pass: number): T[] {
  return samples.slice(pass * LATENCY_PASS, (pass + 1) * LATENCY_PASS);
}

/** Timing pass `pass` of the candidate's layer alone on its samples: backbone time per item. */
export async function timePass(
  pool: BackbonePool,
  candidate: Candidate,
  raws: RawInput[],
  pass: number,
): Promise<{ msPerItem: number; embedMs: number }> {
  const { embedMs } = await embedRaw(pool, layersTarget([candidate]), raws, {
    firstChunk: pass === 0,
  });
  return { msPerItem: embedMs / Math.max(1, raws.length), embedMs };
}

/** A backbone at a cut layer (default: its own), or a fusion id, as a target. */
export function embedTarget(
  backbone: string,
  layer: string | null | undefined,
  manifest: BackboneManifest,
): EmbedTarget {
  return {
    backbone,
    manifest,
    layers: isFusionId(backbone) ? [] : [layer ?? manifest.output.layer],
  };
}

export async function embedRaw(
  pool: BackbonePool,
  { backbone, layers, manifest }: EmbedTarget,
  raws: RawInput[],
  /**
   * Whether this is the first chunk at these layers (a later chunk still warms up if another
   * backbone took this one's room since: loading is not embedding time).
   */
  { firstChunk = true }: { firstChunk?: boolean } = {},
): Promise<EmbeddedRaw> {
  const fused = isFusionId(backbone);
  const embedBatch = async (inputs: BackboneInput[]) =>
    fused
      ? [(await pool.embed(backbone, inputs)).embeddings]
      : pool.embedLayers(backbone, inputs, layers);
  if (firstChunk || !pool.isResident(backbone)) {
    await embedBatch(await toBackboneInputs(manifest, raws.slice(0, 1)));
  }
  // One output per layer, or the fusion's one.
  const vectors = Array.from({ length: fused ? 1 : layers.length }, (): Float32Array[] => []);
  let embedMs = 0;
  for await (const inputs of decodedBatches(manifest, raws)) {
    await sleep(0);
    const started = performance.now();
    const perLayer = await embedBatch(inputs);
    await sleep(0);
    embedMs += performance.now() - started;
    for (const [k, layerVectors] of perLayer.entries()) vectors[k]?.push(...layerVectors);
  }
  if (vectors.some((layerVectors) => layerVectors.length !== raws.length)) {
    throw new Error(
      `${backbone} gave a layer fewer or more vectors than its ${raws.length} inputs`,
    );
  }
  return { vectors, embedMs };
}

/**
 * The raw samples decoded, a batch of `batchStarts` at a time, just before each is used: retained
 * samples may each fill a request's pixel budget, so a few of them can be more than one request.
 */
export async function* decodedBatches(
  manifest: BackboneManifest,
  raws: RawInput[],
): AsyncGenerator<BackboneInput[]> {
  const starts = batchStarts(raws);
  for (const [index, start] of starts.entries()) {
    const end = starts[index + 1] ?? raws.length;
    yield await toBackboneInputs(manifest, raws.slice(start, end), EMBED_BATCH);
  }
}

/**
 * Where each batch starts: at most EMBED_BATCH inputs, whose images stay within a request's pixel
 * budget, the bound that keeps decoding within the isolate's memory. An image whose header is
 * refused counts as nothing here; toBackboneInputs refuses it, naming it.
 */
export function batchStarts(raws: RawInput[]): number[] {
  const starts: number[] = [];
  let count = 0;
  let pixels = 0;
  for (const [index, raw] of raws.entries()) {
    const size = raw.kind === "image" ? headerPixels(raw.bytes) : 0;
    if (index === 0 || count === EMBED_BATCH || pixels + size > LIMITS.maxRequestPixels) {
      starts.push(index);
      count = 0;
      pixels = 0;
    }
    count += 1;
    pixels += size;
  }
  return starts;
}

function headerPixels(bytes: Uint8Array): number {
  try {
    const { width, height } = checkImageHeader(bytes);
    return width * height;
  } catch {
    return 0;
  }
}
