/**
 * A stateless lexical text embedding: hashed word and character n-gram counts (the hashing trick,
 * scikit-learn's HashingVectorizer), sublinear tf, L2-normalised. Nothing is learned from data,
 * which is the point: it is the non-pretrained baseline a pretrained text encoder has to beat. No
 * IDF, since IDF needs a fitted corpus; the head's standardisation reweights features per adapter.
 *
 * The vector has two halves of `buckets` entries: words (unigrams and bigrams) and characters
 * (3- to 5-grams inside each word padded with spaces, scikit-learn's `char_wb`). Each half is
 * L2-normalised and scaled by 1/√2, so both views weigh the same and the whole has unit length.
 */

export interface HashedNgramParameters {
  /** Buckets per half; the embedding has 2 × buckets dimensions. */
  buckets: number;
  wordNgrams: readonly [number, number];
  charNgrams: readonly [number, number];
}

export const HASHED_NGRAM_PARAMETERS: HashedNgramParameters = {
  buckets: 2048,
  wordNgrams: [1, 2],
  charNgrams: [3, 5],
};

/** Words: NFKC, lower case, runs of letters, digits and apostrophes. */
const WORD = /[\p{L}\p{N}']+/gu;

export function hashedNgrams(
  text: string,
  parameters: HashedNgramParameters = HASHED_NGRAM_PARAMETERS,
): Float32Array {
  return hashedNgramsFolded(text, parameters, [parameters.buckets])[0] as Float32Array;
}

/**
 * The text's embedding at each of `foldedBuckets` buckets a half, from one pass over its n-grams.
 * Each must divide `parameters.buckets`: an n-gram lands in bucket h mod B, and for b dividing B,
 * (h mod B) mod b = h mod b, so summing the counts of buckets j, j + b, j + 2b, … gives exactly the
 * counts of hashing into b buckets. Fewer buckets collide more, for a vector a fraction the size.
 */
export function hashedNgramsFolded(
  text: string,
  parameters: HashedNgramParameters,
  foldedBuckets: readonly number[],
): Float32Array[] {
  const [wordCounts, charCounts] = ngramCounts(text, parameters);
  return foldedBuckets.map((buckets) => {
    if (parameters.buckets % buckets !== 0) {
      throw new Error(`${buckets} buckets do not divide the ${parameters.buckets} hashed into`);
    }
    const embedding = new Float32Array(2 * buckets);
    embedding.set(sublinearUnit(folded(wordCounts, buckets)), 0);
    embedding.set(sublinearUnit(folded(charCounts, buckets)), buckets);
    return embedding;
  });
}

/** Word and character n-gram counts per bucket, at the parameters' bucket count. */
function ngramCounts(
  text: string,
  parameters: HashedNgramParameters,
): [Float64Array, Float64Array] {
  const { buckets } = parameters;
  const words = text.normalize("NFKC").toLowerCase().match(WORD) ?? [];
  const wordCounts = new Float64Array(buckets);
  const charCounts = new Float64Array(buckets);
  const [wordMin, wordMax] = parameters.wordNgrams;
  for (let n = wordMin; n <= wordMax; n++) {
    for (let i = 0; i + n <= words.length; i++) {
      increment(wordCounts, `w${n}:${words.slice(i, i + n).join(" ")}`);
    }
  }
  const [charMin, charMax] = parameters.charNgrams;
  for (const word of words) {
    const padded = [...` ${word} `];
    for (let n = charMin; n <= charMax; n++) {
      for (let i = 0; i + n <= padded.length; i++) {
        increment(charCounts, `c:${padded.slice(i, i + n).join("")}`);
      }
    }
  }
  return [wordCounts, charCounts];
}

/** Counts summed over the buckets congruent modulo `buckets` (a copy: the caller's stay). */
function folded(counts: Float64Array, buckets: number): Float64Array {
  const sums = new Float64Array(buckets);
  for (let j = 0; j < counts.length; j++) {
    sums[j % buckets] = (sums[j % buckets] as number) + (counts[j] as number);
  }
  return sums;
}

function increment(counts: Float64Array, feature: string): void {
  const bucket = fnv1a(feature) % counts.length;
  counts[bucket] = (counts[bucket] as number) + 1;
}

/** 1 + ln(count) for non-zero counts, then scaled to length 1/√2 (zero stays zero). */
function sublinearUnit(counts: Float64Array): Float64Array {
  let squares = 0;
  for (let j = 0; j < counts.length; j++) {
    const count = counts[j] as number;
    if (count > 0) {
      const tf = 1 + Math.log(count);
      counts[j] = tf;
      squares += tf * tf;
    }
  }
  const scale = squares > 0 ? 1 / Math.sqrt(2 * squares) : 0;
  return counts.map((tf) => tf * scale);
}

/** 32-bit FNV-1a over UTF-16 code units: fast, stable across hosts, well spread for short keys. */
function fnv1a(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
