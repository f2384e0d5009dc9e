/**
 * Where ops that drop axes (Mean, Squeeze) run: on a channels-first 4-D input when dropping the axes
 * leaves the remaining ones in TF order (e.g. H and W of NHWC → [N, C]); otherwise on the TF layout.
 */

import type { GraphBuilder, Value } from "../graph-builder";
import { channelsFirstAxes } from "../layout";

export interface Placement {
  readonly input: string;
  /** Axes in the ONNX tensor's own order. */
  readonly axes: number[];
  /** The result is channels-first (only when axes are kept). */
  readonly channelsFirst: boolean;
}

export function placeReduction(
  g: GraphBuilder,
  x: Value,
  tfAxes: readonly number[],
  keepDims: boolean,
  base: string,
): Placement {
  const rank = x.shape.length;
  const normalised = tfAxes.map((axis) => (axis + rank) % rank);
  if (x.channelsFirst) {
    const { axes, sameOrderAfterDrop } = channelsFirstAxes(normalised);
    if (keepDims || sameOrderAfterDrop) {
      return { input: g.channelsFirst(x, base), axes, channelsFirst: keepDims };
    }
  }
  return { input: g.asIs(x, base), axes: normalised, channelsFirst: false };
}

/** TF result shape after reducing `axes` (normalised) of `shape`. */
export function reducedShape(
  shape: readonly number[],
  axes: readonly number[],
  keepDims: boolean,
): number[] {
  const rank = shape.length;
  const dropped = new Set(axes.map((axis) => (axis + rank) % rank));
  return shape.flatMap((size, axis) => (dropped.has(axis) ? (keepDims ? [1] : []) : [size]));
}
