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
