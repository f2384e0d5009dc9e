import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { normalize, Tokenizer, type Vocabulary } from "../../../models/use-lite/tokenizer";
import { preparedDir } from "./helpers";

describe("Tokenizer on a tiny vocabulary (scores chosen by hand)", () => {
  // Ids 0–5 are reserved, so the pieces start at 6.
  const reserved: Vocabulary = [
    ["<unk>", 0],
    ["<s>", 0],
    ["</s>", 0],
    ["x1", 0],
    ["x2", 0],
    ["x3", 0],
  ];
  const vocab = (longWordScore: number): Vocabulary => [
    ...reserved,
    ["▁ab", longWordScore], // 6
    ["▁a", -1], // 7
    ["b", -1], // 8
    ["▁", -2], // 9
    ["a", -2], // 10
  ];

  it("takes the highest total score, not the longest match", () => {
    // ▁a + b = -2 beats ▁ab = -10 and ▁ + a + b = -5.
    expect(new Tokenizer(vocab(-10)).encode("ab")).toEqual([7, 8]);
    // ▁ab = -1.5 beats ▁a + b = -2.
    expect(new Tokenizer(vocab(-1.5)).encode("ab")).toEqual([6]);
  });

  it("maps characters that start no piece to id 0 and merges runs of them", () => {
    // "ab zz!" → ▁a b ▁ [z z ! merged into one unknown]
    expect(new Tokenizer(vocab(-10)).encode("ab zz!")).toEqual([7, 8, 9, 0]);
  });

  it("never emits reserved ids for text that spells them", () => {
    expect(new Tokenizer(vocab(-10)).encode("<s>")).toEqual([9, 0]);
  });
});

describe("Tokenizer on the USE-lite vocabulary", () => {
  let vocab: Vocabulary;
  let tokenizer: Tokenizer;
  /** Ids of pieces, looked up in the model's own vocab.json. */
  const ids = (...pieces: string[]) =>
    pieces.map((piece) => {
      const id = vocab.findIndex(([entry]) => entry === piece);
      if (id < 0) throw new Error(`${piece} is not in the vocabulary`);
      return id;
    });

  beforeAll(() => {
    vocab = JSON.parse(readFileSync(join(preparedDir("use-lite"), "vocab.json"), "utf8"));
    tokenizer = new Tokenizer(vocab);
  });

  it("uses the vocabulary's order for ids", () => {
    expect(vocab.length).toBe(8000);
    expect(vocab[9]?.[0]).toBe("▁the");
    expect(tokenizer.encode("the cat")).toEqual([9, 1163]);
  });

  it("marks word starts with ▁ and splits words into scored pieces", () => {
    expect(tokenizer.encode("Hello, world!")).toEqual(ids("▁H", "ello", ",", "▁world", "!"));
    expect(tokenizer.encode("a kitten sleeping")).toEqual(ids("▁a", "▁kitten", "▁sleeping"));
    expect(tokenizer.encode("unbelievably")).toEqual(ids("▁un", "bel", "ie", "v", "ably"));
  });

  it("keeps accented letters that are in the vocabulary", () => {
    expect(tokenizer.encode("café.")).toEqual(ids("▁ca", "f", "é", "."));
  });

  it("applies NFKC and collapses whitespace", () => {
    expect(tokenizer.encode("ﬁne")).toEqual(ids("▁fine")); // the "fi" ligature is NFKC-folded
    expect(tokenizer.encode("  the \t\n cat  ")).toEqual(tokenizer.encode("the cat"));
    expect(normalize(" a  b ")).toEqual(["▁", "a", "▁", "b"]);
  });

  it("turns unknown characters into one unknown id per run", () => {
    // ï, 東京 and ☃☃ are not in the vocabulary; the spaces before them stay as a bare ▁.
    const [na, ve, space, x] = ids("▁na", "ve", "▁", "▁x");
    expect(tokenizer.encode("naïve 東京 ☃☃ x")).toEqual([na, 0, ve, space, 0, space, 0, x]);
  });

  it("encodes empty and blank text as no tokens", () => {
    expect(tokenizer.encode("")).toEqual([]);
    expect(tokenizer.encode(" \n\t ")).toEqual([]);
  });
});
