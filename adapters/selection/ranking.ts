import type { FoldStatistic } from "./fold-statistics";

/** What the ranking rule reads of a candidate that was measured. */
export interface RankableCandidate {
  id: string;
  /** Cross-validated macro-F1 of the logistic head. */
  macroF1: FoldStatistic;
  latencyMsPerItem: number;
  sizeBytes: number;
}

export interface Ranked<C extends RankableCandidate> {
  candidate: C;
  rank: number;
  /** Within the tie tolerance of the best macro-F1, so cost decided its place. */
  nearTie: boolean;
}

/** Two CV macro-F1 means closer than this are a near tie, at the least. */
export const MIN_TIE_TOLERANCE = 0.01;

export const RANKING_RULE =
  "Quality first: the highest cross-validated macro-F1 of the logistic head sets the bar. Every " +
  "candidate whose mean macro-F1 is within the tie tolerance of the best (max(1 pt, the best " +
  "candidate's standard error over folds)) is a near tie; near ties come first, cheapest first: " +
  "lower latency per item, then smaller size, then higher macro-F1. The rest follow by macro-F1, " +
  "then latency, then size. The recommendation is rank 1.";

/** The tolerance below the best mean macro-F1 within which candidates count as tied. */
export function tieTolerance(best: FoldStatistic): number {
  return Math.max(MIN_TIE_TOLERANCE, best.standardError);
}

/** Orders measured candidates by RANKING_RULE. */
export function rankCandidates<C extends RankableCandidate>(candidates: C[]): Ranked<C>[] {
  if (candidates.length === 0) return [];
  const best = candidates.reduce((a, b) => (b.macroF1.mean > a.macroF1.mean ? b : a));
  const bar = best.macroF1.mean - tieTolerance(best.macroF1);
  const nearTie = (c: C) => c.macroF1.mean >= bar;
  const byCost = (a: C, b: C) =>
    a.latencyMsPerItem - b.latencyMsPerItem ||
    a.sizeBytes - b.sizeBytes ||
    b.macroF1.mean - a.macroF1.mean;
  const byQuality = (a: C, b: C) => b.macroF1.mean - a.macroF1.mean || byCost(a, b);
  const tied = candidates.filter(nearTie).sort(byCost);
  const rest = candidates.filter((c) => !nearTie(c)).sort(byQuality);
  return [...tied, ...rest].map((candidate, i) => ({
    candidate,
    rank: i + 1,
    nearTie: nearTie(candidate),
  }));
}
