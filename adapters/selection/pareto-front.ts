export interface AccuracyLatencyPoint {
  id: string;
  accuracy: number;
  latencyMsPerItem: number;
}

/**
 * The accuracy–latency Pareto front: the points no other point dominates, where p dominates q when
 * p is at least as accurate and at least as fast and strictly better in one of the two. Returned
 * fastest first (so accuracy rises along the front); exact duplicates are all kept.
 */
export function paretoFront<P extends AccuracyLatencyPoint>(points: P[]): P[] {
  const dominates = (p: P, q: P) =>
    p.accuracy >= q.accuracy &&
    p.latencyMsPerItem <= q.latencyMsPerItem &&
    (p.accuracy > q.accuracy || p.latencyMsPerItem < q.latencyMsPerItem);
  return points
    .filter((q) => !points.some((p) => dominates(p, q)))
    .sort((a, b) => a.latencyMsPerItem - b.latencyMsPerItem || b.accuracy - a.accuracy);
}
