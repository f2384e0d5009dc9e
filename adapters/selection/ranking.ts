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
  /** LogME: log evidence per sample of the labels given the features, on every sample (logme.ts). */
  logME: number;
  latencyMsPerItem: number;
  sizeBytes: number;
  /** Memory the backbone's weights take while loading (candidates.ts weightsPeakBytes). */
  memoryBytes: number;
}

/** What the tie tolerance reads of a candidate: its CV macro-F1, fold by fold. */
export type FoldScored = Pick<RankableCandidate, "macroF1" | "foldMacroF1" | "folds">;

/** Which signal put the recommendation first (the report says it, so a user can read why). */
export type Decision =
  /** CV separates the leader from every other candidate. */
  | "cross-validation"
  /** CV cannot separate several candidates from the leader; LogME's evidence ranks them. */
  | "logme-among-unresolved"
  /** No candidate is clearly better than the current one by either signal. */
  | "current-kept"
  /** A tie both signals resolve, won by a materially cheaper candidate. */
  | "cheaper-resolved-tie";

export interface Ranked<C extends RankableCandidate> {
  candidate: C;
  rank: number;
  /** CV cannot separate it from the leader (the best mean macro-F1): a contender. */
  nearTie: boolean;
  /** How far below the leader's mean macro-F1 this candidate could be and still be a near tie. */
  tieTolerance: number;
}

export interface Ranking<C extends RankableCandidate> {
  ranked: Ranked<C>[];
  decision: Decision;
  /** The highest cross-validated macro-F1. */
  leader: C;
  /** The highest LogME among the near ties of the leader (the leader itself when it is alone). */
  evidenceBest: C;
}

/** Two CV macro-F1 means closer than this are a near tie, at the least. */
export const MIN_TIE_TOLERANCE = 0.01;

/**
 * CV separates two candidates only when their mean macro-F1 differ by more than this many standard
 * errors of their fold-by-fold difference: about the two-sided 95 % level of Nadeau and Bengio's
 * corrected resampled t-test (t ≈ 2.1 at 15 folds). The conventional level, set from that and not
 * from any benchmark: a second signal (LogME) decides the rest, so calling a gap resolved on weaker
 * grounds would let fold noise overrule it.
 */
export const CV_RESOLUTION_Z = 2;

/**
 * LogME's evidence for one candidate over another is strong when n × their LogME difference, the
 * log Bayes factor of the two feature sets for the labels (per label column), reaches this: a factor
 * of e³ ≈ 20, "strong" on Kass and Raftery's scale (JASA 90, 1995). Per label column and not
 * summed over them, as the one-hot columns are not independent (with two classes one is the
 * other's complement).
 */
export const STRONG_LOG_EVIDENCE = 3;

/**
 * A near tie displaces the candidate it ties with only when it saves this much: at most 75 % of its
 * latency per item (a 25 % saving), or at most half its memory. A few percent of latency is noise
 * on a shared host and not worth a re-embedding, let alone points of macro-F1. And only when the
 * samples resolve the tie (resolvedTie): a saving is never bought with quality the folds' noise hides.
 */
export const MATERIAL_SAVING = { latencyRatio: 0.75, memoryRatio: 0.5 } as const;

export const RANKING_RULE =
  "Cross-validation decides where it can, LogME where it cannot. The leader has the highest " +
  "cross-validated macro-F1 of the logistic head (stratified k-fold, repeated with fresh folds). A " +
  "candidate is a near tie of the leader when CV cannot separate them: its mean macro-F1 is below " +
  "the leader's by no more than max(1 pt, one sample's worth 1/n, 2 corrected standard errors of " +
  "their fold-by-fold difference). When the leader has no near tie, CV decides. Otherwise LogME (the log evidence per " +
  "sample of the labels given the features, on every sample at once) ranks the near ties. The " +
  "current backbone stays unless another candidate is clearly better: CV separates the leader " +
  "from it, or it is a near tie and LogME's evidence for the best near tie is strong (n × the " +
  "LogME difference, a log Bayes factor, at least 3). A near tie ranks above that anchor only when " +
  "it is materially cheaper (at most 75 % of its latency per item or at most half its memory) and " +
  "both signals resolve the tie: its mean macro-F1 is at most 1 pt below the anchor's, its " +
  "tolerance is within 1 pt (so never on fewer than 100 samples), and LogME does not strongly favour the " +
  "anchor; those come first, cheapest first. Then the anchor, the other near ties by LogME, and the " +
  "rest by macro-F1, latency and size. The recommendation is rank 1.";

/**
 * The tolerance `candidate` gets below `best`. Both were scored on the same folds, so what matters
 * is the spread of their per-fold difference, not of each score: folds that are hard for one are
 * usually hard for the other. Without matching folds, the two standard errors combine. Never below
 * the 1-pt floor, nor below one sample's worth of the pool (1/`samples`, when given): folds that
 * all score 1.0 have no spread at all, yet 6 samples cannot tell two candidates 1 pt apart.
 */
export function tieTolerance(best: FoldScored, candidate: FoldScored, samples?: number): number {
  const paired =
    best.foldMacroF1.length === candidate.foldMacroF1.length && best.folds === candidate.folds;
  const spread = paired
    ? foldStatistic(
        best.foldMacroF1.map((score, j) => score - (candidate.foldMacroF1[j] ?? 0)),
        best.folds,
      ).standardError
    : Math.hypot(best.macroF1.standardError, candidate.macroF1.standardError);
  const granularity = samples === undefined ? 0 : 1 / samples;
  return Math.max(MIN_TIE_TOLERANCE, granularity, CV_RESOLUTION_Z * spread);
}

/**
 * Whether LogME's evidence, over `samples` samples, strongly favours `a` over `b`. LogME is
 * comparable across candidates on the same samples and labels: its evidence already charges a
 * feature set for its dimension, so no candidate gains by being larger.
 */
export function strongerEvidence(
  a: RankableCandidate,
  b: RankableCandidate,
  samples: number,
): boolean {
  return samples * (a.logME - b.logME) >= STRONG_LOG_EVIDENCE;
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
export function resolvedTie(
  candidate: RankableCandidate,
  anchor: RankableCandidate,
  samples: number,
): boolean {
  return (
    anchor.macroF1.mean - candidate.macroF1.mean <= MIN_TIE_TOLERANCE &&
    tieTolerance(anchor, candidate, samples) <= MIN_TIE_TOLERANCE
  );
}

/**
 * Orders measured candidates by RANKING_RULE. `samples`: how many samples they were all measured on
 * (LogME's scale); `currentId` names the adapter's current candidate.
 */
export function rankCandidates<C extends RankableCandidate>(
  candidates: C[],
  { samples, currentId }: { samples: number; currentId?: string },
): Ranking<C> | null {
  if (candidates.length === 0) return null;
  const leader = candidates.reduce((a, b) => (b.macroF1.mean > a.macroF1.mean ? b : a));
  const tolerance = new Map(candidates.map((c) => [c, tieTolerance(leader, c, samples)]));
  const nearTie = (c: C) => leader.macroF1.mean - c.macroF1.mean <= (tolerance.get(c) ?? 0);
  const byCost = (a: C, b: C) =>
    a.latencyMsPerItem - b.latencyMsPerItem ||
    a.memoryBytes - b.memoryBytes ||
    a.sizeBytes - b.sizeBytes ||
    b.macroF1.mean - a.macroF1.mean;
  const byQuality = (a: C, b: C) => b.macroF1.mean - a.macroF1.mean || byCost(a, b);
  const byEvidence = (a: C, b: C) => b.logME - a.logME || byQuality(a, b);
  const contenders = candidates.filter(nearTie).sort(byEvidence);
  const evidenceBest = contenders[0] ?? leader;
  const current = candidates.find((c) => c.id === currentId);
  // The current candidate stays unless CV separates the leader from it, or LogME's evidence for the
  // best near tie over it is strong: "clearly better" by either signal, where that signal decides.
  const keepsCurrent =
    current !== undefined && nearTie(current) && !strongerEvidence(evidenceBest, current, samples);
  const anchor = keepsCurrent ? current : evidenceBest;
  const cheaper = contenders.filter(
    (c) =>
      c !== anchor &&
      resolvedTie(c, anchor, samples) &&
      materiallyCheaper(c, anchor) &&
      !strongerEvidence(anchor, c, samples),
  );
  const rest = [
    ...contenders.filter((c) => c !== anchor && !cheaper.includes(c)),
    ...candidates.filter((c) => !nearTie(c)).sort(byQuality),
  ];
  const decision: Decision =
    cheaper.length > 0
      ? "cheaper-resolved-tie"
      : keepsCurrent && contenders.length > 1
        ? "current-kept"
        : contenders.length > 1
          ? "logme-among-unresolved"
          : "cross-validation";
  const ranked = [...cheaper.sort(byCost), anchor, ...rest].map((candidate, i) => ({
    candidate,
    rank: i + 1,
    nearTie: nearTie(candidate),
    tieTolerance: tolerance.get(candidate) ?? MIN_TIE_TOLERANCE,
  }));
  return { ranked, decision, leader, evidenceBest };
}
