import { describe, expect, it } from "vitest";
import { chunkLength } from "../../../src/jobs/embed-chunk";

const text = (length: number) => ({
  raw: { kind: "text" as const, text: "x".repeat(length) },
  label: "a",
});
const image = { raw: { kind: "image" as const, bytes: new Uint8Array(8) }, label: "a" };
// use-lite's manifest: about 10⁷ floating-point operations per token.
const USE_LITE = 1e7;

describe("a re-embedding step's chunk", () => {
  it("takes every image read (their count bounds the step)", () => {
    expect(chunkLength([image, image, image, image], USE_LITE)).toBe(4);
  });

  it("takes many short texts but few long ones through a network", () => {
    const texts = (length: number) => Array.from({ length: 32 }, () => text(length));
    expect(chunkLength(texts(40), USE_LITE)).toBe(32);
    expect(chunkLength(texts(640), USE_LITE)).toBe(6);
    expect(chunkLength(texts(2000), USE_LITE)).toBe(2);
  });

  it("takes at least one text, however long", () => {
    expect(chunkLength([text(6000), text(6000)], USE_LITE)).toBe(1);
  });

  it("takes every text read through a backbone that costs next to nothing per token (lexical)", () => {
    expect(
      chunkLength(
        Array.from({ length: 32 }, () => text(2000)),
        300,
      ),
    ).toBe(32);
  });
});
