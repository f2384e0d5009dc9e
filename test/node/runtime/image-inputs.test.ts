/**
 * Images of a request against the per-request pixel budget and the per-image limit, from their
 * headers before anything is decoded; then each decoded, and kept as decoded until it is embedded.
 */

import { deflateSync } from "node:zlib";
import { encode as encodePng } from "fast-png";
import { describe, expect, it } from "vitest";
import { ImageError } from "../../../models/image";
import { manifest as mobilenet } from "../../../models/mobilenet-v2/manifest";
import { LIMITS } from "../../../src/limits";
import { Problem } from "../../../src/problem";
import { type RawInput, toBackboneInputs } from "../../../src/runtime/backbone-inputs";
import { pngChunk } from "../../fixtures/png-chunk";

function pngBytes(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3).map((_, i) => (i * 7) % 256);
  return encodePng({ width, height, data, channels: 3 });
}

/** A small PNG whose header claims width × height: decoding it would fail as corrupt. */
function claimedPng(width: number, height: number): RawInput {
  const bytes = pngBytes(4, 2).slice();
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return { kind: "image", bytes };
}

async function refusal(inputs: RawInput[]): Promise<unknown> {
  return toBackboneInputs(mobilenet, inputs).then(
    () => {
      throw new Error("expected a refusal");
    },
    (error: unknown) => error,
  );
}

describe("toBackboneInputs for images", () => {
  it("keeps each image as decoded, 8-bit at its own size, for the backbone to resize", async () => {
    const inputs = await toBackboneInputs(mobilenet, [
      { kind: "image", bytes: pngBytes(300, 200) },
      { kind: "image", bytes: pngBytes(50, 90) },
    ]);
    const held = inputs.map((input) => {
      if (input.kind !== "image") throw new Error("expected an image");
      const { width, height, data } = input.image;
      return [width, height, data.constructor.name, data.length];
    });
    expect(held).toEqual([
      [300, 200, "Uint8Array", 300 * 200 * 3],
      [50, 90, "Uint8Array", 50 * 90 * 3],
    ]);
  });

  it("holds a full request within 3 bytes per budget pixel, however many images", async () => {
    // 64 images of 64×64 fill the budget; resized to 224×224 floats they took 38 MB.
    const side = Math.sqrt(LIMITS.maxRequestPixels / 64);
    const inputs = await toBackboneInputs(
      mobilenet,
      Array.from({ length: 64 }, () => ({ kind: "image" as const, bytes: pngBytes(side, side) })),
      64,
    );
    const bytes = inputs.reduce(
      (total, input) => total + (input.kind === "image" ? input.image.data.byteLength : 0),
      0,
    );
    expect(bytes).toBe(3 * LIMITS.maxRequestPixels);
  });

  it("refuses a request over the pixel budget before decoding any image", async () => {
    // Two headers at the per-image limit: each alone passes, together they exceed the budget.
    const error = await refusal([claimedPng(512, 512), claimedPng(512, 512)]);
    expect(error).toBeInstanceOf(Problem);
    const problem = error as Problem;
    expect([problem.status, problem.slug]).toEqual([413, "pixel-budget-exceeded"]);
    expect(problem.detail).toContain(`limit is ${LIMITS.maxRequestPixels} pixels per request`);
    expect(problem.detail).toContain("mobilenet-v2 sees 224×224");
  });

  it("lets a request within the budget through to decoding", async () => {
    // Exactly the budget in all: the claimed-size images are decoded, and found corrupt.
    const error = await refusal([claimedPng(512, 256), claimedPng(512, 256)]);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).code).toBe("corrupt-image");
    expect((error as ImageError).message).toMatch(/^input 0: /);
  });

  it("decodes every image before answering: a corrupt input 7 of 10 refuses the request", async () => {
    const inputs = Array.from({ length: 10 }, (_, i) =>
      i === 7 ? claimedPng(8, 8) : { kind: "image" as const, bytes: pngBytes(8, 8) },
    );
    const error = await refusal(inputs);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).code).toBe("corrupt-image");
    expect((error as ImageError).message).toMatch(/^input 7: /);
  });

  it("refuses a PNG whose data inflates past its header's size, naming it", async () => {
    const bomb = deflateSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    const bytes = pngBytes(8, 8).slice();
    // The same 8×8 header, its IDAT replaced by one that inflates to 16 MB.
    const idat = bytes.findIndex(
      (_, i) => String.fromCharCode(...bytes.subarray(i, i + 4)) === "IDAT",
    );
    const withBomb = Buffer.concat([
      bytes.subarray(0, idat - 4),
      pngChunk("IDAT", bomb),
      bytes.subarray(-12),
    ]);
    const error = await refusal([
      { kind: "image", bytes: pngBytes(8, 8) },
      { kind: "image", bytes: withBomb },
    ]);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).message).toMatch(/^input 1: the png image data inflates to more/);
  });

  it("refuses an image over the per-image limit by its index, before decoding the others", async () => {
    const error = await refusal([{ kind: "image", bytes: pngBytes(8, 8) }, claimedPng(513, 512)]);
    expect(error).toBeInstanceOf(ImageError);
    expect((error as ImageError).code).toBe("image-too-large");
    expect((error as ImageError).message).toMatch(/^input 1: the png image is 513×512/);
  });
});
