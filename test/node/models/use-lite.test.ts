import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Backbone, InputError } from "../../../models";
import { cosine, loadBackbone, maxAbsDifference, norm } from "./helpers";

const texts = (...values: string[]) => values.map((text) => ({ kind: "text" as const, text }));

describe("use-lite backbone (real weights)", () => {
  let backbone: Backbone;
  beforeAll(async () => {
    backbone = await loadBackbone("use-lite");
  });
  afterAll(() => backbone.dispose());

  it("returns one L2-normalised 512-d vector per text", async () => {
    const vectors = await backbone.embed(texts("hello world", "a second sentence"));
    expect(vectors.map((vector) => vector.length)).toEqual([512, 512]);
    for (const vector of vectors) expect(norm(vector)).toBeCloseTo(1, 5);
  });

  it("is deterministic, and a batch equals its items embedded one by one", async () => {
    const batch = texts(
      "The weather is lovely today.",
      "short",
      "A much longer sentence about trains, tickets and timetables.",
    );
    const together = await backbone.embed(batch);
    const again = await backbone.embed(batch);
    expect(again).toEqual(together);
    for (const [index, input] of batch.entries()) {
      const [alone] = await backbone.embed([input]);
      expect(maxAbsDifference(alone as Float32Array, together[index] as Float32Array)).toBeLessThan(
        1e-5,
      );
    }
  });

  it("puts paraphrases closer than unrelated sentences", async () => {
    const [kitten, cat, earnings] = await backbone.embed(
      texts("a kitten sleeping", "a cat napping", "quarterly earnings fell"),
    );
    if (!kitten || !cat || !earnings) throw new Error("missing vectors");
    expect(cosine(kitten, cat)).toBeGreaterThan(cosine(kitten, earnings) + 0.3);
  });

  it("offers the encoder mean as a second cut layer", async () => {
    const input = texts("a kitten sleeping");
    const [sentence] = await backbone.embed(input);
    const [encoder] = await backbone.embed(input, { layer: "encoder-mean" });
    expect(encoder?.length).toBe(512);
    expect(norm(encoder as Float32Array)).toBeCloseTo(1, 5);
    expect(maxAbsDifference(sentence as Float32Array, encoder as Float32Array)).toBeGreaterThan(
      0.01,
    );
  });

  it("embeds at both cut layers in one pass exactly as at each layer alone", async () => {
    const input = texts("a kitten sleeping", "quarterly earnings fell");
    const [sentence, encoder] = await backbone.embedLayers(input, ["sentence", "encoder-mean"]);
    expect(sentence).toEqual(await backbone.embed(input));
    expect(encoder).toEqual(await backbone.embed(input, { layer: "encoder-mean" }));
  });

  it("leaves no tensors behind", async () => {
    await backbone.embed(texts("warm up"));
    const before = tf.memory().numTensors;
    await backbone.embed(texts("one", "two", "three"));
    await backbone.embedLayers(texts("one", "two"), ["encoder-mean", "sentence"]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects images, blank texts and unknown layers with an InputError", async () => {
    const image = {
      kind: "image" as const,
      image: { width: 1, height: 1, data: new Uint8Array(3) },
    };
    await expect(backbone.embed([image])).rejects.toMatchObject({
      code: "wrong-modality",
      index: 0,
    });
    await expect(backbone.embed(texts("fine", "  "))).rejects.toMatchObject({
      code: "empty-text",
      index: 1,
    });
    await expect(backbone.embed(texts("x"), { layer: "nope" })).rejects.toBeInstanceOf(InputError);
    expect(await backbone.embed([])).toEqual([]);
  });
});
