import type { FloatArray } from "./vector";

/** Dense row-major matrix over a flat Float64Array: element (i, j) is data[i * cols + j]. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/**
 * Raw features that are only read (selected, scaled into float64 copies): float32 when the rows are
 * (embeddings are), which holds the very same values in half the bytes of a float64 matrix.
 */
export interface FeatureMatrix {
  rows: number;
  cols: number;
  data: FloatArray;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function fromRows(rows: ArrayLike<number>[], cols: number): Matrix {
  const matrix = zeros(rows.length, cols);
  rows.forEach((row, i) => {
    matrix.data.set(row, i * cols);
  });
  return matrix;
}

/** Float32 rows side by side, kept float32 (the fits scale them into float64 copies). */
export function featureMatrix(rows: Float32Array[], cols: number): FeatureMatrix {
  const data = new Float32Array(rows.length * cols);
  rows.forEach((row, i) => {
    data.set(row, i * cols);
  });
  return { rows: rows.length, cols, data };
}

export function selectRows(matrix: FeatureMatrix, indices: ArrayLike<number>): Matrix {
  const { cols } = matrix;
  const selected = zeros(indices.length, cols);
  for (let r = 0; r < indices.length; r++) {
    const start = (indices[r] as number) * cols;
    selected.data.set(matrix.data.subarray(start, start + cols), r * cols);
  }
  return selected;
}

export function row(matrix: Matrix, i: number): Float64Array {
  return matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols);
}

/** Index of the largest entry of each row (first one on ties). */
export function argmaxRows(matrix: Matrix): Int32Array {
  const { rows, cols, data } = matrix;
  const result = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const offset = i * cols;
    let best = 0;
    for (let j = 1; j < cols; j++) {
      if ((data[offset + j] as number) > (data[offset + best] as number)) best = j;
    }
    result[i] = best;
  }
  return result;
}
