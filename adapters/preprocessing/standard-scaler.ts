import type { Matrix } from "../linalg/matrix";

/**
 * x' = (x - mean) / scale per feature, with mean and population standard deviation (ddof = 0) from
 * the training rows, as scikit-learn's StandardScaler; constant features keep scale 1.
 * With `withStd: false` it only centres.
 */
export class StandardScaler {
  mean: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);

  constructor(readonly params: { withStd: boolean } = { withStd: true }) {}

  fit(X: Matrix): this {
    const { rows: n, cols: d, data } = X;
    const mean = new Float64Array(d);
    const variance = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (data[i * d + j] as number);
    }
    for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const centred = (data[i * d + j] as number) - (mean[j] as number);
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

  transform(X: Matrix): Matrix {
    const { rows: n, cols: d } = X;
    const data = new Float64Array(n * d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        data[i * d + j] =
          ((X.data[i * d + j] as number) - (this.mean[j] as number)) / (this.scale[j] as number);
      }
    }
    return { rows: n, cols: d, data };
  }

  static fromParameters(mean: Float64Array, scale: Float64Array, withStd: boolean): StandardScaler {
    const scaler = new StandardScaler({ withStd });
    scaler.mean = mean;
    scaler.scale = scale;
    return scaler;
  }
}
