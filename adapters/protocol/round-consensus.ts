import type { RoundOutcome } from "../selection/cross-validate";
import type { EpochLoss, Hyperparameters, HyperparameterValue, SweepRow } from "../types";
import { bestRow, SELECTION_RULE } from "./sweep-rule";

export const CONSENSUS_RULE = `the sweep's rule on the means over the cross-validation rounds (each round sweeps on its own validation fold, never on the fold it is tested on), n = the samples cross-validated: ${SELECTION_RULE}. Values the refit derives from the fit (the MLP's epochs) are the median over the rounds that chose this candidate.`;

/** One sweep row per candidate: the rounds' rows averaged (all rounds sweep the same candidates). */
export function meanSweep(rounds: RoundOutcome[]): SweepRow[] {
  const first = rounds[0]?.sweep ?? [];
  return first.map((row, c) => {
    const rows = rounds.map((round) => round.sweep[c] as SweepRow);
    const mean = (pick: (r: SweepRow) => number) =>
      rows.reduce((sum, r) => sum + pick(r), 0) / rows.length;
    return {
      hyperparameters: row.hyperparameters,
      validationAccuracy: mean((r) => r.validationAccuracy),
      validationLogLoss: mean((r) => r.validationLogLoss),
      iterations: Math.round(mean((r) => r.iterations)),
      converged: rows.every((r) => r.converged),
      ...(row.epochs && { epochs: meanCurve(rows) }),
    };
  });
}

/**
 * Each epoch's validation loss averaged over the rounds, up to the last epoch every round trained
 * (they stop apart). Past it the mean would be over fewer and fewer rounds, which draws a fall where
 * a round with a high loss stopped rather than where any round improved.
 */
function meanCurve(rows: SweepRow[]): EpochLoss[] {
  const byEpoch = new Map<number, number[]>();
  for (const { epoch, validationLoss } of rows.flatMap((row) => row.epochs ?? [])) {
    const losses = byEpoch.get(epoch);
    if (losses) losses.push(validationLoss);
    else byEpoch.set(epoch, [validationLoss]);
  }
  return [...byEpoch]
    .filter(([, losses]) => losses.length === rows.length)
    .sort(([a], [b]) => a - b)
    .map(([epoch, losses]) => ({
      epoch,
      validationLoss: losses.reduce((sum, loss) => sum + loss, 0) / losses.length,
    }));
}

/**
 * The candidate CONSENSUS_RULE picks, and the refit hyperparameters the rounds derived for it.
 * `samples`: how many were cross-validated; each repeat's rounds validate on about that many.
 */
export function consensusHyperparameters(rounds: RoundOutcome[], samples: number): Hyperparameters {
  const candidate = bestRow(meanSweep(rounds), samples).hyperparameters;
  const agreeing = rounds
    .map((round) => round.chosen)
    .filter((chosen) => Object.entries(candidate).every(([key, value]) => chosen[key] === value));
  // No round chose it on its own (possible when means and winners differ): its values as swept.
  if (agreeing.length === 0) return candidate;
  const keys = Object.keys(agreeing[0] as Hyperparameters);
  return Object.fromEntries(
    keys.map((key) => [key, median(agreeing.map((chosen) => chosen[key] ?? null))]),
  );
}

/** The median of numbers (the lower middle one, so an integer stays an integer); else the first. */
function median(values: HyperparameterValue[]): HyperparameterValue {
  if (!values.every((v) => typeof v === "number")) return values[0] ?? null;
  const sorted = [...(values as number[])].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}
