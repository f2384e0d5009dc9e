export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * Per-class precision TP / (TP + FP), recall TP / (TP + FN), F1 their harmonic mean, from a confusion
 * matrix (rows true, columns predicted). An undefined ratio (0 / 0) counts as 0, scikit-learn's
 * zero_division default apart from its warning.
 */
export function perClassScores(confusion: number[][]): ClassScores[] {
  return confusion.map((row, k) => {
    const truePositives = row[k] as number;
    const support = row.reduce((sum, v) => sum + v, 0);
    const predicted = confusion.reduce((sum, r) => sum + (r[k] as number), 0);
    const precision = predicted > 0 ? truePositives / predicted : 0;
    const recall = support > 0 ? truePositives / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support };
  });
}

/** Unweighted mean over classes of precision, recall and F1. */
export function macroAverage(scores: ClassScores[]): {
  precision: number;
  recall: number;
  f1: number;
} {
  const mean = (pick: (s: ClassScores) => number) =>
    scores.reduce((sum, s) => sum + pick(s), 0) / scores.length;
  return {
    precision: mean((s) => s.precision),
    recall: mean((s) => s.recall),
    f1: mean((s) => s.f1),
  };
}
