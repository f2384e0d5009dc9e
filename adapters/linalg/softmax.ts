import type { Matrix } from "./matrix";

/**
 * Row-wise softmax in place: p_k = exp(z_k - m) / sum_j exp(z_j - m) with m = max_j z_j, so exp never
 * overflows. Returns log-sum-exp of each row, m + log(sum_j exp(z_j - m)), which the log loss needs.
 */
export function softmaxRowsInPlace(logits: Matrix): Float64Array {
  const { rows, cols, data } = logits;
  const logSumExp = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    logSumExp[i] = softmaxInPlace(data, i * cols, cols);
  }
  return logSumExp;
}

/** Softmax of values[offset .. offset + length) in place; returns their log-sum-exp. */
export function softmaxInPlace(values: Float64Array, offset: number, length: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < length; k++) max = Math.max(max, values[offset + k] as number);
  let sum = 0;
  for (let k = 0; k < length; k++) {
    const e = Math.exp((values[offset + k] as number) - max);
    values[offset + k] = e;
    sum += e;
  }
  for (let k = 0; k < length; k++) values[offset + k] = (values[offset + k] as number) / sum;
  return max + Math.log(sum);
}

/** softmax(logits / temperature) as a new matrix. */
export function softmaxWithTemperature(logits: Matrix, temperature: number): Matrix {
  const data = new Float64Array(logits.data.length);
  for (let i = 0; i < data.length; i++) data[i] = (logits.data[i] as number) / temperature;
  const probabilities = { rows: logits.rows, cols: logits.cols, data };
  softmaxRowsInPlace(probabilities);
  return probabilities;
}
