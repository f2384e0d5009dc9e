import type { LabelledEmbedding } from "../types";

export interface Deduplicated {
  samples: LabelledEmbedding[];
  duplicatesRemoved: number;
  /** Duplicates whose label differs from the kept first copy. */
  conflictingDuplicates: number;
}

/**
 * Keeps the first of each group of samples with bit-identical features (bucketed by an FNV-1a hash
 * of their bytes, then compared exactly). Identical features, not identical uploads: a head sees
 * only the embedding, so texts the backbone cannot tell apart ("free offer" and "Free offer " on
 * lexical, two scripts use-lite has no tokens for) are one training point, and counting them twice
 * would put the same point in train and test. The kept one is the first given: the job gives its
 * samples in content-hash order (so the same samples always train the same head), not upload order.
 */
export function deduplicate(samples: LabelledEmbedding[]): Deduplicated {
  const buckets = new Map<string, LabelledEmbedding[]>();
  const kept: LabelledEmbedding[] = [];
  let conflictingDuplicates = 0;
  for (const sample of samples) {
    const key = fnv1a(sample.features);
    const bucket = buckets.get(key) ?? [];
    const first = bucket.find((s) => sameBits(s.features, sample.features));
    if (first) {
      if (first.label !== sample.label) conflictingDuplicates++;
      continue;
    }
    bucket.push(sample);
    buckets.set(key, bucket);
    kept.push(sample);
  }
  return { samples: kept, duplicatesRemoved: samples.length - kept.length, conflictingDuplicates };
}

/** The features' bits, a 32-bit word per value (a Float32Array's offset is a multiple of 4). */
function wordsOf(features: Float32Array): Uint32Array {
  return new Uint32Array(features.buffer, features.byteOffset, features.length);
}

/** 32-bit FNV-1a over the features' words (a bucket key; equality is checked bit for bit). */
function fnv1a(features: Float32Array): string {
  let hash = 0x811c9dc5;
  for (const word of wordsOf(features)) hash = Math.imul(hash ^ word, 0x01000193);
  return (hash >>> 0).toString(16);
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = wordsOf(a);
  const y = wordsOf(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
