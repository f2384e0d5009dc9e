/** Mean and standard error of a per-fold score: SE = sample standard deviation / √k. */
export interface FoldStatistic {
  mean: number;
  standardError: number;
}

export function foldStatistic(values: number[]): FoldStatistic {
  const k = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / k;
  if (k < 2) return { mean, standardError: 0 };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (k - 1);
  return { mean, standardError: Math.sqrt(variance / k) };
}
