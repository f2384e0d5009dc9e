/**
 * Offsets of the MLP's parameters in one flat vector, so a single Adam state and a single
 * best-so-far copy cover all of them: W1 (H x d), b1 (H), W2 (K x H), b2 (K).
 */
export interface MlpLayout {
  featureCount: number;
  hiddenUnits: number;
  classCount: number;
  w1: number;
  b1: number;
  w2: number;
  b2: number;
  size: number;
}

export function mlpLayout(
  featureCount: number,
  hiddenUnits: number,
  classCount: number,
): MlpLayout {
  const w1 = 0;
  const b1 = w1 + hiddenUnits * featureCount;
  const w2 = b1 + hiddenUnits;
  const b2 = w2 + classCount * hiddenUnits;
  return { featureCount, hiddenUnits, classCount, w1, b1, w2, b2, size: b2 + classCount };
}

/** Multiply-adds of one row's forward pass, counted as 2 flops each: W1 x, then W2 h. */
export function forwardFlopsPerRow({ featureCount, hiddenUnits, classCount }: MlpLayout): number {
  return 2 * (featureCount * hiddenUnits + hiddenUnits * classCount);
}
