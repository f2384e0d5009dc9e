import type { FeatureMatrix, Matrix } from "../linalg/matrix";

/**
 * x' = (x - mean) / scale per feature, with mean and population standard deviation (ddof = 0) from
 * the training rows, as scikit-learn's StandardScaler; constant features keep scale 1.
 * With `withStd: false` it only centres.
 */
export class StandardScaler {
  mean: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);
  /** Each feature's standard deviation in the rows fitted (0: constant there). */
  private spread: Float64Array = new Float64Array(0);

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
    this.spread = variance.map((v) => Math.sqrt(v / n));
    this.scale = this.spread.map((std) => (this.params.withStd && std > 0 ? std : 1));
    return this;
  }

  /**
   * Raises the scale of the features in [from, to) to at least `fraction` times the median spread of
   * that range's non-constant features, so that no feature is scaled up past that: in place, after
   * `fit`, when it standardises (see fitScaler for why).
   */
  floorScales(fraction: number, from = 0, to = this.scale.length): this {
    if (!this.params.withStd) return this;
    const varying = this.spread.subarray(from, to).filter((std) => std > 0);
    if (varying.length === 0) return this;
    varying.sort();
    const floor = fraction * (varying[varying.length >> 1] as number);
    for (let j = from; j < to; j++) {
      if ((this.spread[j] as number) > 0) this.scale[j] = Math.max(this.scale[j] as number, floor);
    }
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
