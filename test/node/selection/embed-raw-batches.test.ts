/** Raw samples are embedded in batches that stay within a request's pixel budget and batch size. */

import { encode as encodePng } from "fast-png";
import { describe, expect, it } from "vitest";
import { manifest } from "../../../models/mobilenet-v2/manifest";
import type { RawInput } from "../../../src/runtime/backbone-inputs";
import { batchStarts, decodedBatches } from "../../../src/selection/embed-raw";
import { picturePng } from "../../fixtures/pictures";

/** An image whose header claims width × height (only headers are read). */
function image(width: number, height: number): RawInput {
  const bytes = encodePng({ width: 1, height: 1, data: new Uint8Array(3), channels: 3 }).slice();
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return { kind: "image", bytes };
}

describe("batchStarts", () => {
  it("starts a new batch before the images would pass the request's pixel budget", () => {
    // 262,144 pixels per request: two 256×512 fill one batch exactly, a third starts the next.
    const raws = [image(256, 512), image(256, 512), image(256, 512), image(8, 8)];
    expect(batchStarts(raws)).toEqual([0, 2]);
  });

  it("puts each image at the per-image limit in a batch of its own", () => {
    expect(batchStarts([image(512, 512), image(512, 512), image(512, 512)])).toEqual([0, 1, 2]);
  });

  it("cuts texts into batches of 32", () => {
    const texts: RawInput[] = Array.from({ length: 70 }, () => ({ kind: "text", text: "hi" }));
    expect(batchStarts(texts)).toEqual([0, 32, 64]);
  });

  it("decodes retained photos that together pass one request's budget, a batch at a time", async () => {
    // 320 × 240 photos: 76,800 pixels each, so four are more than one request's 262,144.
    const photos: RawInput[] = [0.1, 0.4, 0.7, 1.0].map((seed) => ({
      kind: "image",
      bytes: picturePng(320, 240, seed),
    }));
    const sizes: number[] = [];
    for await (const batch of decodedBatches(manifest, photos)) sizes.push(batch.length);
    expect(sizes).toEqual([3, 1]);
  });
});
