import { describe, expect, it } from "vitest";
import { centerSquare, cropAndResize, type RgbImage, resizeBilinear } from "../../../models/image";

/** An image whose R channel is `red(x, y)`, G = 0, B = 255. */
function image(width: number, height: number, red: (x: number, y: number) => number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([red(x, y), 0, 255], (y * width + x) * 3);
  }
  return { width, height, data };
}

const reds = (pixels: Float32Array) => Array.from(pixels.filter((_, i) => i % 3 === 0));

describe("centerSquare", () => {
  it("takes the largest centred square", () => {
    expect(centerSquare({ width: 300, height: 200 })).toEqual({
      left: 50,
      top: 0,
      width: 200,
      height: 200,
    });
    expect(centerSquare({ width: 5, height: 8 })).toEqual({ left: 0, top: 1, width: 5, height: 5 });
  });
});

describe("resizeBilinear with half-pixel centres", () => {
  it("is the identity at the same size", () => {
    const source = image(3, 3, (x, y) => x * 10 + y * 100);
    const whole = { left: 0, top: 0, width: 3, height: 3 };
    expect(Array.from(resizeBilinear(source, whole, 3, 3))).toEqual(Array.from(source.data));
  });

  it("halving averages each pair of pixels", () => {
    // Output i samples source x = 2i + 0.5: halfway between pixels 2i and 2i+1.
    const source = image(8, 1, (x) => x * 10);
    const out = resizeBilinear(source, { left: 0, top: 0, width: 8, height: 1 }, 4, 1);
    expect(reds(out)).toEqual([5, 25, 45, 65]);
  });

  it("doubling samples at quarter positions, clamped at the edges", () => {
    // Output i samples source x = (i + 0.5)/2 − 0.5 = −0.25 (→ 0), 0.25, 0.75, 1.25 (→ 1).
    const source = image(2, 1, (x) => x * 100);
    const out = resizeBilinear(source, { left: 0, top: 0, width: 2, height: 1 }, 4, 1);
    expect(reds(out)).toEqual([0, 25, 75, 100]);
  });

  it("interpolates in both directions", () => {
    const source = image(2, 2, (x, y) => x * 100 + y * 40);
    const out = resizeBilinear(source, { left: 0, top: 0, width: 2, height: 2 }, 4, 4);
    // Row at y = 0.25: x positions as above, plus 0.25 · 40 = 10.
    expect(reds(out).slice(4, 8)).toEqual([10, 35, 85, 110]);
  });
});

describe("cropAndResize", () => {
  it("ignores what lies outside the centre square", () => {
    // 6×4: columns 0 and 5 are outside the 4×4 centre square and hold 255.
    const source = image(6, 4, (x, y) => (x === 0 || x === 5 ? 255 : (x - 1) * 10 + y));
    const out = cropAndResize(source, 4);
    expect(reds(out)).toEqual([0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32, 3, 13, 23, 33]);
    expect(out.length).toBe(4 * 4 * 3);
  });

  it("writes into a batch's slot the values it would return, and nothing outside it", () => {
    const source = image(7, 5, (x, y) => x * 30 + y * 7);
    const batch = new Float32Array(3 * 4 * 4 * 3).fill(-1);
    const slot = batch.subarray(4 * 4 * 3, 2 * 4 * 4 * 3);
    expect(cropAndResize(source, 4, slot)).toBe(slot);
    expect(Array.from(slot)).toEqual(Array.from(cropAndResize(source, 4)));
    const outside = [...batch.subarray(0, 4 * 4 * 3), ...batch.subarray(2 * 4 * 4 * 3)];
    expect(outside.every((value) => value === -1)).toBe(true);
  });
});
