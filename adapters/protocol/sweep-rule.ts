import type { SweepRow } from "../types";

/**
 * How a sweep picks among its candidates. Accuracy is what the user reads, but on a validation set
 * of n samples it moves in steps of 1/n and has a standard error of √(p(1−p)/n): at 512 samples and
 * 80 %, 1.8 points. A gap smaller than that does not tell two candidates apart, and their log loss
 * (a proper score of the same predictions, far less noisy) does.
 */
export const SELECTION_RULE =
  "highest validation accuracy where it differs by more than its standard error √(p(1−p)/n); closer than that, lower validation log loss; then sweep order";

/** Whether `row` displaces `incumbent` (the best so far, earlier in the sweep) by SELECTION_RULE. */
export function isBetter(row: SweepRow, incumbent: SweepRow, validationSamples: number): boolean {
  const gap = row.validationAccuracy - incumbent.validationAccuracy;
  if (Math.abs(gap) > accuracyStandardError(row, incumbent, validationSamples)) return gap > 0;
  if (row.validationLogLoss !== incumbent.validationLogLoss) {
    return row.validationLogLoss < incumbent.validationLogLoss;
  }
  return gap > 0;
}

/** The sweep's pick by SELECTION_RULE: each row in order against the best so far. */
export function bestRow<Row extends SweepRow>(
  rows: readonly Row[],
  validationSamples: number,
): Row {
  const [first, ...rest] = rows;
  if (!first) throw new Error("a sweep has at least one candidate");
  return rest.reduce((best, row) => (isBetter(row, best, validationSamples) ? row : best), first);
}

/** At the two accuracies' mean; 0 when both are perfect (or both zero), where only log loss differs. */
function accuracyStandardError(a: SweepRow, b: SweepRow, samples: number): number {
  const p = (a.validationAccuracy + b.validationAccuracy) / 2;
  return Math.sqrt((p * (1 - p)) / Math.max(1, samples));
}
