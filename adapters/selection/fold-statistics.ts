/**
 * Mean and standard error of a cross-validated score.
 *
 * Repeated k-fold cross-validation gives J = k·r fold scores x_j. Their training sets overlap, so the
 * scores are correlated and the naive s/√J understates the error. Nadeau & Bengio's corrected
 * resampled estimate (Machine Learning 52, 2003) is
 *
 *   SE = √((1/J + n_test/n_train) · s²),   s² = Σ (x_j − x̄)² / (J − 1),
 *
 * and for k-fold n_test/n_train = 1/(k − 1). It applies to a difference of two candidates' scores on
 * the same folds as well, which is how the ranking rule decides near ties (ranking.ts).
 */
export interface FoldStatistic {
  mean: number;
  standardError: number;
}

export function foldStatistic(values: number[], folds: number): FoldStatistic {
  const count = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / count;
  if (count < 2 || folds < 2) return { mean, standardError: 0 };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (count - 1);
  return { mean, standardError: Math.sqrt((1 / count + 1 / (folds - 1)) * variance) };
}
