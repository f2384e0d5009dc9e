/**
 * TF graphs are NHWC, ONNX convolutions NCHW. Every 4-D activation keeps its TF (NHWC) shape in the
 * converter and a flag saying whether the ONNX tensor holding it is stored channels-first; a
 * Transpose is inserted only where a value crosses between the two (normally once, after the input).
 */

export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

/** `shape` reordered by `perm` (output axis i is input axis perm[i]). */
export function permuteShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((axis) => shape[axis] ?? 1);
}

/** Row-major N-d transpose of constant data. */
export function permuteData<T extends Float32Array | Int32Array | Uint8Array>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
): T {
  const outShape = permuteShape(shape, perm);
  const inStrides = strides(shape);
  const outStrides = strides(outShape);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < data.length; o++) {
    let rest = o;
    let source = 0;
    for (let axis = 0; axis < outShape.length; axis++) {
      const stride = outStrides[axis] ?? 1;
      index[axis] = Math.floor(rest / stride);
      rest -= (index[axis] ?? 0) * stride;
      source += (index[axis] ?? 0) * (inStrides[perm[axis] ?? 0] ?? 0);
    }
    out[o] = data[source] ?? 0;
  }
  return out;
}

/** Left-pads a broadcastable shape with 1s to `rank` (TF/numpy broadcasting aligns trailing axes). */
export function padRank(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(Math.max(0, rank - shape.length)).fill(1), ...shape];
}

/**
 * Maps NHWC axes to the NCHW axes of a channels-first tensor, and tells whether dropping them
 * leaves the remaining axes in the same order in both layouts (then the result needs no Transpose).
 */
export function channelsFirstAxes(nhwcAxes: readonly number[]): {
  axes: number[];
  sameOrderAfterDrop: boolean;
} {
  const normalised = nhwcAxes.map((axis) => (axis + 4) % 4);
  const axes = normalised.map((axis) => NHWC_TO_NCHW.indexOf(axis as 0 | 1 | 2 | 3));
  const keptTf = [0, 1, 2, 3].filter((axis) => !normalised.includes(axis));
  const keptCf = NHWC_TO_NCHW.filter((axis) => !normalised.includes(axis));
  return { axes, sameOrderAfterDrop: keptTf.every((axis, i) => axis === keptCf[i]) };
}

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const pa = padRank(a, rank);
  const pb = padRank(b, rank);
  return pa.map((dim, i) => {
    const other = pb[i] ?? 1;
    if (dim === 1) return other;
    if (other === 1) return dim;
    return dim === -1 ? other : dim;
  });
}

function strides(shape: readonly number[]): number[] {
  const result = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) {
    result[axis] = (result[axis + 1] ?? 1) * (shape[axis + 1] ?? 1);
  }
  return result;
}
