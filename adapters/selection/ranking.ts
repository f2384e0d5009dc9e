import { type FoldStatistic, foldStatistic } from "./fold-statistics";

/** What the ranking rule reads of a candidate that was measured. */
export interface RankableCandidate {
  id: string;
  /** Cross-validated macro-F1 of the logistic head. */
  macroF1: FoldStatistic;
  /**
   * The per-fold macro-F1 behind it, and k. Candidates scored on the same samples with the same
   * folds list them in the same order, so their difference can be taken fold by fold.
   */
  foldMacroF1: number[];
  folds: number;
  latencyMsPerItem: number;
  sizeBytes: number;
}

export interface Ranked<C extends RankableCandidate> {
  candidate: C;
  rank: number;
  /** Within the tie tolerance of the best macro-F1, so cost decided its place. */
  nearTie: boolean;
  /** How far below the best mean macro-F1 this candidate could be and still be a near tie. */
  tieTolerance: number;
}

/** Two CV macro-F1 means closer than this are a near tie, at the least. */
export const MIN_TIE_TOLERANCE = 0.01;

export const RANKING_RULE =
  "Quality first: the highest cross-validated macro-F1 of the logistic head (stratified k-fold, " +
  "repeated with fresh folds) sets the bar. A candidate is a near tie when its mean macro-F1 is " +
  "below the best by no more than its tie tolerance: max(1 pt, the corrected standard error of its " +
  "fold-by-fold difference to the best). Near ties come first, cheapest first: lower latency per " +
  "item, then smaller size, then higher macro-F1. The rest follow by macro-F1, then latency, then " +
  "size. The recommendation is rank 1.";

/**
 * The tolerance `candidate` gets below `best`. Both were scored on the same folds, so what matters
 * is the spread of their per-fold difference, not of each score: folds that are hard for one are
 * usually hard for the other. Without matching folds, the two standard errors combine.
 */
export function tieTolerance(best: RankableCandidate, candidate: RankableCandidate): number {
  const paired =
    best.foldMacroF1.length === candidate.foldMacroF1.length && best.folds === candidate.folds;
  const spread = paired
    ? foldStatistic(
        best.foldMacroF1.map((score, j) => score - (candidate.foldMacroF1[j] ?? 0)),
        best.folds,
      ).standardError
    : Math.hypot(best.macroF1.standardError, candidate.macroF1.standardError);
  return Math.max(MIN_TIE_TOLERANCE, spread);
}

/** Orders measured candidates by RANKING_RULE. */
export function rankCandidates<C extends RankableCandidate>(candidates: C[]): Ranked<C>[] {
  if (candidates.length === 0) return [];
  const best = candidates.reduce((a, b) => (b.macroF1.mean > a.macroF1.mean ? b : a));
  const tolerance = new Map(candidates.map((c) => [c, tieTolerance(best, c)]));
  const nearTie = (c: C) => best.macroF1.mean - c.macroF1.mean <= (tolerance.get(c) ?? 0);
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
    tieTolerance: tolerance.get(candidate) ?? MIN_TIE_TOLERANCE,
  }));
}
