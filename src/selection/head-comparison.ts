/**
 * Frozen against top unfrozen on one candidate backbone, from the paired rounds of
 * FinetuneCrossValidationRun, by the ranking's tie rule (adapters/selection/ranking.ts): the frozen
 * head is the anchor, as the current backbone is in the ranking, and the top-unfrozen head replaces
 * it only when its mean macro-F1 is higher by more than the tie tolerance, max(1 pt,
 * CV_RESOLUTION_Z corrected standard errors of their fold-by-fold difference). A near tie keeps the frozen head: it costs no
 * training beyond a logistic fit and its stored head is a fraction of the size.
 */

import {
  CV_RESOLUTION_Z,
  type FinetuneRound,
  type FoldStatistic,
  foldStatistic,
  tieTolerance,
} from "../../adapters/selection";

export const HEAD_COMPARISON_RULE =
  "Frozen (logistic head on the frozen embeddings) against top unfrozen (the finetune protocol: " +
  "the top and a classifier trained together, kept only where they beat the frozen head on the " +
  "round's validation fold), each scored on the same cross-validation folds' test fold. Top " +
  "unfrozen is recommended only when its mean macro-F1 is above frozen's by more than the tie " +
  `tolerance, max(1 pt, ${CV_RESOLUTION_Z} corrected standard errors of their fold-by-fold difference); otherwise ` +
  "the frozen head, which is cheaper to train and to store.";

export interface HeadVariant {
  variant: "frozen" | "top-unfrozen";
  headType: "logistic" | "finetune";
  crossValidatedAccuracy: FoldStatistic;
  crossValidatedMacroF1: FoldStatistic;
  /** Per round, repeat by repeat: the frozen head's cross-validation folds. */
  foldMacroF1: number[];
  /** Largest stored head over the rounds; null when no round kept a finetuned top. */
  headBytes: number | null;
}

export interface HeadComparison {
  folds: number;
  repeats: number;
  /** Frozen first. */
  variants: [HeadVariant, HeadVariant];
  /** Rounds in which validation kept a finetuned top (elsewhere top unfrozen is the frozen head). */
  finetunedRounds: number;
  /** Top unfrozen's mean macro-F1 minus frozen's. */
  difference: number;
  tieTolerance: number;
  /** Mean compute time of a round's finetune protocol (its frozen fit included). */
  trainingMsPerRound: number;
  recommendation: {
    variant: HeadVariant["variant"];
    headType: HeadVariant["headType"];
    reason: string;
  };
  rule: string;
}

export function compareHeads(result: {
  folds: number;
  repeats: number;
  rounds: FinetuneRound[];
  /** The samples cross-validated (the tolerance's 1/n floor). */
  samples: number;
}): HeadComparison {
  const { folds, repeats, rounds, samples } = result;
  const variant = (
    name: HeadVariant["variant"],
    scores: (round: FinetuneRound) => { accuracy: number; macroF1: number },
    bytes: (round: FinetuneRound) => number | null,
  ): HeadVariant => {
    const sizes = rounds.flatMap((round) => bytes(round) ?? []);
    return {
      variant: name,
      headType: name === "frozen" ? "logistic" : "finetune",
      crossValidatedAccuracy: foldStatistic(
        rounds.map((round) => scores(round).accuracy),
        folds,
      ),
      crossValidatedMacroF1: foldStatistic(
        rounds.map((round) => scores(round).macroF1),
        folds,
      ),
      foldMacroF1: rounds.map((round) => scores(round).macroF1),
      headBytes: sizes.length > 0 ? Math.max(...sizes) : null,
    };
  };
  const frozen = variant(
    "frozen",
    (round) => round.frozen,
    (round) => round.frozenHeadBytes,
  );
  const top = variant(
    "top-unfrozen",
    (round) => round.topUnfrozen,
    (round) => round.finetuneHeadBytes,
  );
  const rankable = (v: HeadVariant) => ({
    macroF1: v.crossValidatedMacroF1,
    foldMacroF1: v.foldMacroF1,
    folds,
  });
  const difference = top.crossValidatedMacroF1.mean - frozen.crossValidatedMacroF1.mean;
  // The lower one's tolerance below the higher, as rankCandidates takes it.
  const [higher, lower] = difference > 0 ? [top, frozen] : [frozen, top];
  const tolerance = tieTolerance(rankable(higher), rankable(lower), samples);
  const finetunedRounds = rounds.filter((round) => round.finetuned).length;
  const trainingMsPerRound = rounds.reduce((sum, round) => sum + round.fitMs, 0) / rounds.length;
  const unfreezes = difference > tolerance;
  const chosen = unfreezes ? top : frozen;
  return {
    folds,
    repeats,
    variants: [frozen, top],
    finetunedRounds,
    difference,
    tieTolerance: tolerance,
    trainingMsPerRound,
    recommendation: {
      variant: chosen.variant,
      headType: chosen.headType,
      reason: reason(unfreezes, { frozen, top, difference, tolerance, finetunedRounds, rounds }),
    },
    rule: HEAD_COMPARISON_RULE,
  };
}

function reason(
  unfreezes: boolean,
  figures: {
    frozen: HeadVariant;
    top: HeadVariant;
    difference: number;
    tolerance: number;
    finetunedRounds: number;
    rounds: FinetuneRound[];
  },
): string {
  const { frozen, top, difference, tolerance, finetunedRounds, rounds } = figures;
  const f1 = (v: HeadVariant) => v.crossValidatedMacroF1.mean.toFixed(4);
  const points = (value: number) => `${(100 * value).toFixed(1)} pts`;
  const kib = (bytes: number | null) => (bytes === null ? "?" : `${(bytes / 1024).toFixed(0)} KiB`);
  const kept = `validation kept a finetuned top in ${finetunedRounds} of ${rounds.length} folds`;
  const cost =
    top.headBytes === null
      ? `the frozen head stores ${kib(frozen.headBytes)}`
      : `the frozen head stores ${kib(frozen.headBytes)} against ${kib(top.headBytes)} with the int8 top, and needs no epochs over the cut activations`;
  if (unfreezes) {
    return `top unfrozen: macro-F1 ${f1(top)} beats frozen's ${f1(frozen)} by ${points(difference)}, more than the tie tolerance (${points(tolerance)}); ${kept}. Train the adapter with headType "finetune"; it stores ${kib(top.headBytes)} against ${kib(frozen.headBytes)}`;
  }
  const verdict =
    difference > 0
      ? `top unfrozen's macro-F1 ${f1(top)} is above frozen's ${f1(frozen)} by ${points(difference)}, within the tie tolerance (${points(tolerance)})`
      : `top unfrozen's macro-F1 ${f1(top)} is not above frozen's ${f1(frozen)}`;
  return `frozen: ${verdict}; ${kept}. The cheaper head is kept: ${cost}`;
}
