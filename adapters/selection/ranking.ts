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
  /** Memory the backbone's weights take while loading (candidates.ts weightsPeakBytes). */
  memoryBytes: number;
}

export interface Ranked<C extends RankableCandidate> {
  candidate: C;
  rank: number;
  /** Within the tie tolerance of the best macro-F1. */
  nearTie: boolean;
  /** How far below the best mean macro-F1 this candidate could be and still be a near tie. */
  tieTolerance: number;
}

/** Two CV macro-F1 means closer than this are a near tie, at the least. */
export const MIN_TIE_TOLERANCE = 0.01;

/**
 * A near tie displaces the candidate it ties with only when it saves this much: at most 75 % of its
 * latency per item (a 25 % saving), or at most half its memory. A few percent of latency is noise
 * on a shared host and not worth a re-embedding, let alone points of macro-F1. And only when the
 * samples resolve the tie (resolvedTie): a saving is never bought with quality the folds' noise hides.
 */
export const MATERIAL_SAVING = { latencyRatio: 0.75, memoryRatio: 0.5 } as const;

export const RANKING_RULE =
  "Quality first: the highest cross-validated macro-F1 of the logistic head (stratified k-fold, " +
  "repeated with fresh folds) sets the bar. A candidate is a near tie when its mean macro-F1 is " +
  "below the best by no more than its tie tolerance: max(1 pt, the corrected standard error of its " +
  "fold-by-fold difference to the best). The anchor is the current backbone when it is a near tie " +
  "(no other one is clearly better), else the best. A near tie ranks above the anchor only when it " +
  "is materially cheaper (at most 75 % of its latency per item or at most half its memory) and the " +
  "samples resolve the tie: its mean macro-F1 is at most 1 pt below the anchor's and the standard " +
  "error of their fold-by-fold difference is within 1 pt; those come first, cheapest first. Then " +
  "the anchor, then the rest by macro-F1, latency and size. The recommendation is rank 1.";

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

/** Whether `candidate` saves enough over `anchor` to take its place at equal quality. */
export function materiallyCheaper(
  candidate: RankableCandidate,
  anchor: RankableCandidate,
): boolean {
  return (
    candidate.latencyMsPerItem <= MATERIAL_SAVING.latencyRatio * anchor.latencyMsPerItem ||
    candidate.memoryBytes <= MATERIAL_SAVING.memoryRatio * anchor.memoryBytes
  );
}

/**
 * Whether the samples show that `candidate` gives up at most the 1-pt floor against `anchor`: its
 * mean is no more than that below, and their fold-by-fold difference is known to within it. With
 * few samples a near tie is mostly noise (a 16-sample pool's tolerance can reach 20 pts); trading
 * the anchor for a cheaper candidate then gambles quality the data cannot see.
 */
export function resolvedTie(candidate: RankableCandidate, anchor: RankableCandidate): boolean {
  return (
    anchor.macroF1.mean - candidate.macroF1.mean <= MIN_TIE_TOLERANCE &&
    tieTolerance(anchor, candidate) <= MIN_TIE_TOLERANCE
  );
}

/** Orders measured candidates by RANKING_RULE; `currentId` names the adapter's current candidate. */
export function rankCandidates<C extends RankableCandidate>(
  candidates: C[],
  currentId?: string,
): Ranked<C>[] {
  if (candidates.length === 0) return [];
  const best = candidates.reduce((a, b) => (b.macroF1.mean > a.macroF1.mean ? b : a));
  const tolerance = new Map(candidates.map((c) => [c, tieTolerance(best, c)]));
  const nearTie = (c: C) => best.macroF1.mean - c.macroF1.mean <= (tolerance.get(c) ?? 0);
  const current = candidates.find((c) => c.id === currentId);
  const anchor = current && nearTie(current) ? current : best;
  const byCost = (a: C, b: C) =>
    a.latencyMsPerItem - b.latencyMsPerItem ||
    a.memoryBytes - b.memoryBytes ||
    a.sizeBytes - b.sizeBytes ||
    b.macroF1.mean - a.macroF1.mean;
  const byQuality = (a: C, b: C) => b.macroF1.mean - a.macroF1.mean || byCost(a, b);
  const cheaper = candidates.filter(
    (c) => c !== anchor && nearTie(c) && resolvedTie(c, anchor) && materiallyCheaper(c, anchor),
  );
  const rest = candidates.filter((c) => c !== anchor && !cheaper.includes(c)).sort(byQuality);
  return [...cheaper.sort(byCost), anchor, ...rest].map((candidate, i) => ({
    candidate,
    rank: i + 1,
    nearTie: nearTie(candidate),
    tieTolerance: tolerance.get(candidate) ?? MIN_TIE_TOLERANCE,
  }));
}
