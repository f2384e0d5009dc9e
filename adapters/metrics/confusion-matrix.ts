/** counts[t][p]: samples of true class t predicted as p. */
export function confusionMatrix(
  yTrue: Int32Array,
  yPredicted: Int32Array,
  classCount: number,
): number[][] {
  const counts = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const row = counts[yTrue[i] as number] as number[];
    row[yPredicted[i] as number] = (row[yPredicted[i] as number] as number) + 1;
  }
  return counts;
}
