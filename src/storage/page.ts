/**
 * Keyset pagination of the list routes: a page is the `limit` items after a position in the list's
 * order, so pages stay stable while items are added or removed elsewhere in the list.
 */

/** Where a list ordered by creation time (then id) continues. */
export interface CreatedPosition {
  createdAt: string;
  id: string;
}

export interface PageRequest<P> {
  limit: number;
  /** The position of the last item of the previous page; none for the first page. */
  after?: P;
}

/** The WHERE condition and its bindings for the rows after `after` in newest-first order. */
export function createdBefore(after: CreatedPosition | undefined): {
  where: string;
  bindings: string[];
} {
  return after
    ? { where: "(created_at, id) < (?, ?)", bindings: [after.createdAt, after.id] }
    : { where: "1", bindings: [] };
}

/** The WHERE condition and its bindings for the rows after `after` in (created_at, id) order. */
export function createdAfter(after: CreatedPosition | undefined): {
  where: string;
  bindings: string[];
} {
  return after
    ? { where: "(created_at, id) > (?, ?)", bindings: [after.createdAt, after.id] }
    : { where: "1", bindings: [] };
}
