import type { FeatureMatrix, Matrix } from "../linalg/matrix";

/**
 * x' = (x - mean) / scale per feature, with mean and population standard deviation (ddof = 0) from
 * the training rows, as scikit-learn's StandardScaler; constant features keep scale 1.
 * With `withStd: false` it only centres.
 */
export class StandardScaler {
  mean: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);

  constructor(readonly params: { withStd: boolean } = { withStd: true }) {}

  /** Fits on the given rows of X (all of them by default), read in place: no copy of the subset. */
  fit(X: FeatureMatrix, rows: ArrayLike<number> = allRows(X)): this {
    const { cols: d, data } = X;
    const n = rows.length;
    const mean = new Float64Array(d);
    const variance = new Float64Array(d);
    for (let r = 0; r < n; r++) {
      const offset = (rows[r] as number) * d;
      for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (data[offset + j] as number);
    }
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
    for (let r = 0; r < n; r++) {
      const offset = (rows[r] as number) * d;
      for (let j = 0; j < d; j++) {
        const centred = (data[offset + j] as number) - (mean[j] as number);
        variance[j] = (variance[j] as number) + centred * centred;
      }
    }
    this.mean = mean;
    this.scale = variance.map((v) => {
      const std = Math.sqrt(v / n);
      return this.params.withStd && std > 0 ? std : 1;
    });
    return this;
  }

  /** The given rows of X (all by default), scaled into a new matrix: selecting and scaling in one pass. */
  transform(X: FeatureMatrix, rows: ArrayLike<number> = allRows(X)): Matrix {
    const d = X.cols;
    const data = new Float64Array(rows.length * d);
    for (let r = 0; r < rows.length; r++) this.scaleRow(X, rows[r] as number, data, r * d);
    return { rows: rows.length, cols: d, data };
  }

  private scaleRow(X: FeatureMatrix, i: number, out: Float64Array, at: number): void {
    const d = X.cols;
    for (let j = 0; j < d; j++) {
      out[at + j] =
        ((X.data[i * d + j] as number) - (this.mean[j] as number)) / (this.scale[j] as number);
    }
  }

  static fromParameters(mean: Float64Array, scale: Float64Array, withStd: boolean): StandardScaler {
    const scaler = new StandardScaler({ withStd });
    scaler.mean = mean;
    scaler.scale = scale;
    return scaler;
  }
}

function allRows(X: FeatureMatrix): Int32Array {
  return Int32Array.from({ length: X.rows }, (_, i) => i);
}
