import { multiplyByTransposed } from "./gemm";
import type { Matrix } from "./matrix";

/**
 * Work that depends on one matrix alone, done once for every fit on it (the fits of a C sweep share
 * their training matrix). Whoever keeps the memo keeps the matrix unchanged meanwhile.
 */
export class MatrixMemo {
  private gramMatrix: Float64Array | null = null;

  constructor(readonly matrix: Matrix) {}

  /** X X^T (n x n, float64: 8 MB at n = 1,000), the inner products of the rows. */
  gram(): Float64Array {
    this.gramMatrix ??= gramOf(this.matrix);
    return this.gramMatrix;
  }
}

export function gramOf(X: Matrix): Float64Array {
  const gram = new Float64Array(X.rows * X.rows);
  multiplyByTransposed(X.data, X.data, X.rows, X.rows, X.cols, gram);
  return gram;
}
