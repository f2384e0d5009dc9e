import type { Classifier } from "../estimator";
import type { HeadSpec } from "../heads/head-spec";
import type { Matrix } from "../linalg/matrix";
import { logLoss } from "../metrics/log-loss";
import type { Hyperparameters, SweepRow, TrainOptions } from "../types";
import type { ReportProgress } from "./progress";

export interface LabelledMatrix {
  X: Matrix;
  y: Int32Array;
}

export interface SweepResult {
  rows: SweepRow[];
  chosen: Hyperparameters;
  /** The chosen candidate's model, fitted on train only. */
  chosenEstimator: Classifier;
}

export const SELECTION_RULE =
  "highest validation accuracy; ties broken by lower validation log loss, then by sweep order";

/**
 * Fits every candidate on train (each warm-started from the previous one, the CLIP linear-probe
 * protocol) and scores it on validation.
 */
export async function sweepHyperparameters(
  spec: HeadSpec,
  options: TrainOptions,
  labels: string[],
  train: LabelledMatrix,
  validation: LabelledMatrix,
  report: ReportProgress,
  fractionRange: { from: number; to: number },
): Promise<SweepResult> {
  const candidates = spec.candidates(options, labels);
  const rows: SweepRow[] = [];
  let best: { row: SweepRow; estimator: Classifier } | undefined;
  let previous: Classifier | undefined;
  for (const [i, hyperparameters] of candidates.entries()) {
    const estimator = spec
      .create(hyperparameters, options, labels)
      .fit(train.X, train.y, { classCount: labels.length, validation, warmStart: previous });
    const row: SweepRow = {
      hyperparameters,
      validationAccuracy: estimator.score(validation.X, validation.y),
      validationLogLoss: logLoss(estimator.predictProba(validation.X), validation.y),
      ...estimator.fitSummary,
    };
    rows.push(row);
    if (!best || isBetter(row, best.row)) best = { row, estimator };
    previous = estimator;
    const fraction =
      fractionRange.from + ((i + 1) / candidates.length) * (fractionRange.to - fractionRange.from);
    await report(
      "sweep",
      fraction,
      `candidate ${i + 1}/${candidates.length} ${JSON.stringify(hyperparameters)}: validation accuracy ${row.validationAccuracy.toFixed(4)}`,
    );
  }
  if (!best) throw new Error("sweep: no candidates");
  return { rows, chosen: best.row.hyperparameters, chosenEstimator: best.estimator };
}

function isBetter(row: SweepRow, incumbent: SweepRow): boolean {
  if (row.validationAccuracy !== incumbent.validationAccuracy) {
    return row.validationAccuracy > incumbent.validationAccuracy;
  }
  return row.validationLogLoss < incumbent.validationLogLoss;
}
