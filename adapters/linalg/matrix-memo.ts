import { multiplyByTransposed } from "./gemm";
import type { Matrix } from "./matrix";

/**
 * Work that depends on one matrix alone, done once for every fit on it (the fits of a C sweep share
 * their training matrix). Whoever keeps the memo keeps the matrix unchanged meanwhile.
 */
export class MatrixMemo {
  private gramMatrix: Float64Array | null = null;

  constructor(readonly matrix: Matrix) {}

  get hasGram(): boolean {
    return this.gramMatrix !== null;
  }

  /** X X^T (n x n, float64: 8 MB at n = 1,000), the inner products of the rows. */
  gram(): Float64Array {
    this.gramMatrix ??= gramOf(this.matrix);
    return this.gramMatrix;
  }
}

/** Rows of the Gram matrix computed per product: each block's products stop at the diagonal. */
const GRAM_BLOCK_ROWS = 128;

/** X X^T, symmetric: each row block against the rows up to its end only, then mirrored (half the products). */
export function gramOf(X: Matrix): Float64Array {
  const { rows: n, cols: d, data } = X;
  const gram = new Float64Array(n * n);
  const block = new Float64Array(GRAM_BLOCK_ROWS * n);
  for (let start = 0; start < n; start += GRAM_BLOCK_ROWS) {
    const end = Math.min(start + GRAM_BLOCK_ROWS, n);
    multiplyByTransposed(data.subarray(start * d, end * d), data, end - start, end, d, block);
    for (let i = start; i < end; i++) {
      for (let j = 0; j <= i; j++) {
        const value = block[(i - start) * end + j] as number;
        gram[i * n + j] = value;
        gram[j * n + i] = value;
      }
    }
  }
  return gram;
}
