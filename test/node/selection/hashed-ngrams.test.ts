import { describe, expect, it } from "vitest";
import {
  HASHED_NGRAM_PARAMETERS,
  hashedNgrams,
  hashedNgramsFolded,
} from "../../../models/lexical/hashed-ngrams";

const norm = (v: Float32Array, from = 0, to = v.length) => {
  let s = 0;
  for (let j = from; j < to; j++) s += (v[j] as number) ** 2;
  return Math.sqrt(s);
};
const cosine = (a: Float32Array, b: Float32Array) =>
  a.reduce((s, v, j) => s + v * (b[j] as number), 0) / (norm(a) * norm(b));

describe("hashed word and character n-grams", () => {
  const { buckets } = HASHED_NGRAM_PARAMETERS;

  it("is unit length with words and characters weighing the same", () => {
    const v = hashedNgrams("The quick brown fox jumps over the lazy dog");
    expect(v).toHaveLength(2 * buckets);
    expect(norm(v)).toBeCloseTo(1, 6);
    expect(norm(v, 0, buckets)).toBeCloseTo(Math.SQRT1_2, 6);
    expect(norm(v, buckets)).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("is deterministic, case- and NFKC-insensitive, and stateless", () => {
    expect(hashedNgrams("Ｃafé RATES")).toEqual(hashedNgrams("café rates"));
    expect(hashedNgrams("interest rates rose")).toEqual(hashedNgrams("interest rates rose"));
  });

  it("counts sublinearly: repeating a word does not scale its weight linearly", () => {
    const once = hashedNgrams("rain");
    const many = hashedNgrams("rain rain rain rain");
    // With raw counts the unigram share would stay identical; with 1 + ln(count) the bigram "rain rain" gains.
    expect(cosine(once, many)).toBeLessThan(1);
    expect(cosine(once, many)).toBeGreaterThan(0.5);
  });

  it("puts texts that share words and word pieces closer than unrelated ones", () => {
    const a = hashedNgrams("interest rates were raised by the central bank");
    const b = hashedNgrams("the central bank raises its interest rate");
    const c = hashedNgrams("knead the dough and let it rise");
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.2);
  });

  it("folds the buckets into any divisor exactly as hashing into that many would", () => {
    const text = "Folding buckets modulo a divisor: the same n-grams, more collisions.";
    const [full, half, quarter] = hashedNgramsFolded(text, HASHED_NGRAM_PARAMETERS, [
      buckets,
      buckets / 2,
      buckets / 4,
    ]);
    expect(full).toEqual(hashedNgrams(text));
    expect(half).toEqual(hashedNgrams(text, { ...HASHED_NGRAM_PARAMETERS, buckets: buckets / 2 }));
    expect(quarter).toHaveLength(buckets / 2);
    expect(norm(quarter as Float32Array)).toBeCloseTo(1, 6);
    expect(() => hashedNgramsFolded(text, HASHED_NGRAM_PARAMETERS, [1000])).toThrow(
      /do not divide/,
    );
  });

  it("maps a text without words to the zero vector", () => {
    expect(norm(hashedNgrams("!!! ???"))).toBe(0);
  });
});
