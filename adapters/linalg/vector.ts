/**
 * BLAS-1 style kernels over Float64Array slices. Unrolled by four with independent accumulators so
 * V8 can overlap the multiply-adds; these loops are where fitting spends its time.
 */

/** Weights stored as float32 (a finetune's) are read where float64 ones are. */
export type FloatArray = Float64Array | Float32Array;

/** sum_j a[aOffset + j] * b[bOffset + j] for j < length. */
export function dot(
  a: Float64Array,
  aOffset: number,
  b: FloatArray,
  bOffset: number,
  length: number,
): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < length; j += 4) {
    s0 += (a[aOffset + j] as number) * (b[bOffset + j] as number);
    s1 += (a[aOffset + j + 1] as number) * (b[bOffset + j + 1] as number);
    s2 += (a[aOffset + j + 2] as number) * (b[bOffset + j + 2] as number);
    s3 += (a[aOffset + j + 3] as number) * (b[bOffset + j + 3] as number);
  }
  for (; j < length; j++) s0 += (a[aOffset + j] as number) * (b[bOffset + j] as number);
  return s0 + s1 + s2 + s3;
}

/** y[yOffset + j] += alpha * x[xOffset + j] for j < length. */
export function axpy(
  alpha: number,
  x: FloatArray,
  xOffset: number,
  y: FloatArray,
  yOffset: number,
  length: number,
): void {
  let j = 0;
  for (; j + 3 < length; j += 4) {
    y[yOffset + j] = (y[yOffset + j] as number) + alpha * (x[xOffset + j] as number);
    y[yOffset + j + 1] = (y[yOffset + j + 1] as number) + alpha * (x[xOffset + j + 1] as number);
    y[yOffset + j + 2] = (y[yOffset + j + 2] as number) + alpha * (x[xOffset + j + 2] as number);
    y[yOffset + j + 3] = (y[yOffset + j + 3] as number) + alpha * (x[xOffset + j + 3] as number);
  }
  for (; j < length; j++)
    y[yOffset + j] = (y[yOffset + j] as number) + alpha * (x[xOffset + j] as number);
}

/** Dot product of two whole vectors. */
export function dotAll(a: Float64Array, b: Float64Array): number {
  return dot(a, 0, b, 0, a.length);
}

/** max_j |v_j|, the convergence measure scipy's L-BFGS-B uses (projected gradient, no bounds here). */
export function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let j = 0; j < v.length; j++) m = Math.max(m, Math.abs(v[j] as number));
  return m;
}
