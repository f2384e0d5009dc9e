/**
 * Images wait as decoded 8-bit pixels and each backbone resizes and scales them per forward batch.
 * Their embeddings must be, bit for bit, those of the earlier path that resized every input to float
 * at the model's size as soon as it was decoded: the float resize now runs on the same bytes, later.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { BACKBONES, type BackboneInput } from "../../../models";
import { cropAndResize } from "../../../models/image";
import { toBackboneInputs } from "../../../src/runtime/backbone-inputs";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";
import { picturePng } from "../../fixtures/pictures";

let pool: BackbonePool;

beforeAll(async () => {
  // Both runtimes in one process (no 128 MB isolate could hold them side by side).
  pool = new BackbonePool(await nodeHost(), Number.POSITIVE_INFINITY);
});

/** What toBackboneInputs held before: each image cropped and resized to float at the model's size. */
function resizedOnArrival(inputs: BackboneInput[], size: number): BackboneInput[] {
  return inputs.map((input) => {
    if (input.kind !== "image") throw new Error("expected an image");
    return {
      kind: "image",
      image: { width: size, height: size, data: cropAndResize(input.image, size) },
    };
  });
}

describe.each(["mobilenet-v2", "mobilenet-v2-onnx", "inception-v3"])("%s", (id) => {
  it("embeds decoded images as it embedded them resized to float on arrival", async () => {
    const manifest = (BACKBONES[id] ?? { manifest: undefined }).manifest;
    if (manifest?.preprocessing.kind !== "image") throw new Error(`${id} is not an image backbone`);
    const size = manifest.preprocessing.resize.width;
    // Upscaled, downscaled from a wider picture, and already at the model's size: three forward
    // passes' worth with the pool's batches of 2.
    const raws = [picturePng(64, 64, 0), picturePng(300, 200, 1), picturePng(size, size, 2)].map(
      (bytes) => ({ kind: "image" as const, bytes }),
    );
    const decoded = await toBackboneInputs(manifest, raws);
    const now = await pool.embed(id, decoded);
    const before = await pool.embed(id, resizedOnArrival(decoded, size));
    expect(now.embeddings).toHaveLength(raws.length);
    expect(now.embeddings).toEqual(before.embeddings);
  });
});
