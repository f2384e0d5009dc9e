/** How the Selection tab reads a selection's candidates and recommendation (pure, unit-tested in Node). */

/** Where an adapter's embeddings come from, or a candidate's would. */
export interface Binding {
  backbone: string;
  layer: string | null;
}

/**
 * Whether a candidate (or the recommendation) is what the adapter is on now: the API refuses a
 * switch to it (409 already-on-backbone). A fusion adapter has no layer of its own: its backbone id
 * names its parts' layers.
 */
export function isCurrentBinding(target: Binding, adapter: Binding): boolean {
  return (
    target.backbone === adapter.backbone &&
    (adapter.layer === null || target.layer === adapter.layer)
  );
}

/**
 * The recommendation's reason, where the API rounds a log Bayes factor to one decimal: one just under
 * the threshold it is compared with reads "3.0, under 3". Said "just under 3" there.
 */
export function withTruthfulRounding(reason: string): string {
  return reason.replace(
    /log Bayes factor (-?\d+(?:\.\d+)?), under (\d+(?:\.\d+)?)/g,
    (said, value: string, threshold: string) =>
      Number(value) < Number(threshold) ? said : `log Bayes factor just under ${threshold}`,
  );
}
