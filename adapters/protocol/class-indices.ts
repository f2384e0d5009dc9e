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
  const counts = labels.map(() => 0);
  for (const k of y) counts[k] = (counts[k] as number) + 1;
  return { labels, y, counts };
}
