import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backbone, RgbImage } from "../../../models";
import { cosine, loadBackbone, maxAbsDifference, norm } from "./helpers";

type Painter = (x: number, y: number) => [number, number, number];

function paint(width: number, height: number, painter: Painter): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(painter(x, y), (y * width + x) * 3);
  }
  return { width, height, data };
}

/** A sunset: sky gradient, a sun disc, dark hills. */
const sunset: Painter = (x, y) => {
  if (y > 180 + 25 * Math.sin(x / 30)) return [30, 60 + (x % 7), 25];
  if ((x - 90) ** 2 + (y - 110) ** 2 < 35 ** 2) return [255, 220, 80];
  return [250 - y / 2, 120 - y / 4, 90 + y / 3];
};

/** Something else entirely: a blue and white checkerboard with diagonal stripes. */
const checkerboard: Painter = (x, y) => {
  const cell = (Math.floor(x / 24) + Math.floor(y / 24)) % 2 === 0;
  const stripe = (x + y) % 16 < 4;
  return stripe ? [0, 0, 0] : cell ? [20, 60, 220] : [240, 240, 250];
};

function flipHorizontally(image: RgbImage): RgbImage {
  return paint(image.width, image.height, (x, y) => {
    const i = (y * image.width + (image.width - 1 - x)) * 3;
    return [image.data[i] ?? 0, image.data[i + 1] ?? 0, image.data[i + 2] ?? 0];
  });
}

const images = (...values: RgbImage[]) =>
  values.map((image) => ({ kind: "image" as const, image }));

describe("mobilenet-v2 backbone (real weights)", () => {
  let backbone: Backbone;
  const picture = paint(320, 240, sunset);
  beforeAll(async () => {
    backbone = await loadBackbone("mobilenet-v2");
  });
  afterAll(() => backbone.dispose());

  it("returns one L2-normalised 1792-d pooled vector per image", async () => {
    const [vector] = await backbone.embed(images(picture));
    expect(vector?.length).toBe(1792);
    expect(norm(vector as Float32Array)).toBeCloseTo(1, 5);
  });

  it("is deterministic, and a batch equals its items embedded one by one", async () => {
    const batch = images(picture, paint(200, 300, checkerboard), flipHorizontally(picture));
    const together = await backbone.embed(batch);
    expect(await backbone.embed(batch)).toEqual(together);
    for (const [index, input] of batch.entries()) {
      const [alone] = await backbone.embed([input]);
      expect(maxAbsDifference(alone as Float32Array, together[index] as Float32Array)).toBeLessThan(
        1e-5,
      );
    }
  });

  it("puts a flip and a shifted crop of a picture closer to it than a different picture", async () => {
    // The shifted picture is the same scene drawn 12 px further right and 8 px lower.
    const shifted = paint(320, 240, (x, y) => sunset(x - 12, y - 8));
    const [original, flipped, moved, other] = await backbone.embed(
      images(picture, flipHorizontally(picture), shifted, paint(320, 240, checkerboard)),
    );
    if (!original || !flipped || !moved || !other) throw new Error("missing vectors");
    const unrelated = cosine(original, other);
    expect(cosine(original, flipped)).toBeGreaterThan(unrelated);
    expect(cosine(original, moved)).toBeGreaterThan(unrelated);
  });

  it.each([
    ["block16", 448],
    ["block12", 136],
  ])("offers the pooled %s cut layer (%i-d)", async (layer, dim) => {
    const [vector] = await backbone.embed(images(picture), { layer });
    expect(vector?.length).toBe(dim);
    expect(norm(vector as Float32Array)).toBeCloseTo(1, 5);
  });

  it("embeds at every cut layer in one pass exactly as at each layer alone", async () => {
    const inputs = images(picture, picture);
    const layers = backbone.manifest.cutLayers.map((layer) => layer.name);
    const together = await backbone.embedLayers(inputs, layers);
    for (const [k, layer] of layers.entries()) {
      expect(together[k]).toEqual(await backbone.embed(inputs, { layer }));
    }
  });

  it("leaves no tensors behind", async () => {
    await backbone.embed(images(picture));
    const before = tf.memory().numTensors;
    await backbone.embed(images(picture, picture), { layer: "block16" });
    await backbone.embedLayers(images(picture), ["block12", "block16", "block16-grid"]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects texts", async () => {
    await expect(backbone.embed([{ kind: "text", text: "a picture" }])).rejects.toMatchObject({
      code: "wrong-modality",
    });
  });
});
