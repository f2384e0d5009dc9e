/**
 * Centre crop to a square, then bilinear resize, in one pass, producing float channel values.
 *
 * Sampling uses half-pixel centres, as tf.image.resizeBilinear(halfPixelCenters=true) and OpenCV's
 * INTER_LINEAR do: output pixel i covers [i, i+1)·scale of the source, so its centre maps to source
 * coordinate (i + 0.5)·scale − 0.5, clamped to the crop; the value interpolates the 2×2 source pixels
 * around that point, weighted by distance. Like tfjs (no antialias), large reductions sample rather than
 * average, so fine high-frequency detail can alias.
 */

import type { RgbImage } from "./rgb-image";

/** A rectangle of the source image, in pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The largest centred square (an odd leftover pixel goes to the right/bottom). */
export function centerSquare(image: Pick<RgbImage, "width" | "height">): Region {
  const side = Math.min(image.width, image.height);
  return {
    left: Math.floor((image.width - side) / 2),
    top: Math.floor((image.height - side) / 2),
    width: side,
    height: side,
  };
}

/** Source sample positions for one axis: the two neighbouring indices and the weight of the second. */
function axisSamples(start: number, sourceLength: number, targetLength: number) {
  const scale = sourceLength / targetLength;
  const low = new Int32Array(targetLength);
  const high = new Int32Array(targetLength);
  const weight = new Float32Array(targetLength);
  for (let i = 0; i < targetLength; i++) {
    const position = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), sourceLength - 1);
    const floor = Math.floor(position);
    low[i] = start + floor;
    high[i] = start + Math.min(floor + 1, sourceLength - 1);
    weight[i] = position - floor;
  }
  return { low, high, weight };
}

/**
 * Resamples `region` of `image` to width × height: RGB values in [0, 255], row-major, written into
 * `out` (a batch's slot, so no copy is made) or a new array.
 */
export function resizeBilinear(
  image: RgbImage,
  region: Region,
  width: number,
  height: number,
  out: Float32Array = new Float32Array(width * height * 3),
): Float32Array {
  const xs = axisSamples(region.left, region.width, width);
  const ys = axisSamples(region.top, region.height, height);
  const source = image.data;
  const rowBytes = image.width * 3;
  for (let y = 0; y < height; y++) {
    const top = (ys.low[y] ?? 0) * rowBytes;
    const bottom = (ys.high[y] ?? 0) * rowBytes;
    const wy = ys.weight[y] ?? 0;
    for (let x = 0; x < width; x++) {
      const left = (xs.low[x] ?? 0) * 3;
      const right = (xs.high[x] ?? 0) * 3;
      const wx = xs.weight[x] ?? 0;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const topValue = lerp(source[top + left + c] ?? 0, source[top + right + c] ?? 0, wx);
        const bottomValue = lerp(
          source[bottom + left + c] ?? 0,
          source[bottom + right + c] ?? 0,
          wx,
        );
        out[o + c] = lerp(topValue, bottomValue, wy);
      }
    }
  }
  return out;
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** The preprocessing of square-input image backbones: centre square crop, then bilinear resize. */
export function cropAndResize(image: RgbImage, size: number, out?: Float32Array): Float32Array {
  return resizeBilinear(image, centerSquare(image), size, size, out);
}
