/**
 * The classes as the protocol numbers them: the distinct labels sorted, each sample's class its
 * label's index. One definition, so a run that redraws the protocol's folds (a selection's
 * top-unfrozen candidate) pairs with the very rounds the protocol drew.
 */
export function classIndices(samples: readonly { label: string }[]): {
  labels: string[];
  y: Int32Array;
  counts: number[];
} {
  const labels = [...new Set(samples.map((sample) => sample.label))].sort();
  const classOf = new Map(labels.map((label, k) => [label, k]));
  const y = Int32Array.from(samples, ({ label }) => classOf.get(label) as number);
  return { labels, y, counts: Array.from(classSupport(y, labels.length)) };
}

/** How many samples of y each class 0 … classCount − 1 has. */
export function classSupport(y: Int32Array, classCount: number): Float64Array {
  const counts = new Float64Array(classCount);
  for (const k of y) counts[k] = (counts[k] as number) + 1;
  return counts;
}

/** The indices of y in each class 0 … classCount − 1, in order: the strata of a stratified draw. */
export function rowsByClass(y: Int32Array, classCount: number): number[][] {
  const rows = Array.from({ length: classCount }, (): number[] => []);
  y.forEach((k, i) => {
    rows[k]?.push(i);
  });
  return rows;
}
