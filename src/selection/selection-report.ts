/**
 * A selection's report: each candidate described with its measures (or why it was not measured),
 * ranked by the documented rule (adapters/selection/ranking), the accuracy–latency Pareto front
 * marked, and the recommendation with its reason. A candidate that fails is reported as failed; the
 * others are still ranked.
 */

import {
  type Decision,
  type FoldStatistic,
  MIN_TIE_TOLERANCE,
  paretoFront,
  RANKING_RULE,
  type RankableCandidate,
  type Ranking,
  rankCandidates,
  STRONG_LOG_EVIDENCE,
} from "../../adapters/selection";
import type { BackboneManifest } from "../../models";
import type { Availability, Candidate } from "./candidates";
import type { CandidateMeasurement } from "./measure-candidate";
import { SELECTION_MAX_SAMPLES } from "./selection-pool";

export interface SelectionRequest {
  /** Folds for cross-validation (fewer when the smallest label has fewer samples; at least 3). */
  folds?: number;
  seed?: number;
  /** Only these backbone ids (default: every backbone of the adapter's modality). */
  backbones?: string[];
  /** Also measure the leading candidate with a trainable top with its top unfrozen (./finetune-candidate.ts). */
  includeFinetune?: boolean;
}

export interface CandidateReport {
  id: string;
  backbone: string;
  layer: string;
  dim: number;
  runtime: string;
  /** Every backbone id running these weights, the measured one first (measured once). */
  runtimes: { backbone: string; runtime: string }[];
  licence: string;
  sizeBytes: number;
  flops: { approx: number; per: string };
  availability: Availability;
  status: "measured" | "unavailable" | "failed";
  error: string | null;
  metrics: {
    folds: number;
    repeats: number;
    crossValidatedAccuracy: FoldStatistic;
    crossValidatedMacroF1: FoldStatistic;
    /** Per fold, repeat by repeat (the same folds for every candidate). */
    foldMacroF1: number[];
    logME: number;
    prototypeLeaveOneOutAccuracy: number;
    latencyMsPerItem: number;
    embedMs: number;
    wasmHeapBytes: number;
  } | null;
  rank: number | null;
  nearTie: boolean;
  /** How far below the best mean macro-F1 it could be and still be a near tie (ranking.ts). */
  tieTolerance: number | null;
  paretoOptimal: boolean;
}

export interface SelectionReport {
  modality: BackboneManifest["modality"];
  samples: number;
  labels: string[];
  current: { backbone: string; layer: string };
  rule: string;
  /** Ranked candidates first (by rank), then the failed and unavailable ones. */
  candidates: CandidateReport[];
  /** Candidate ids on the front of cross-validated accuracy vs latency, fastest first. */
  paretoFront: string[];
  recommendation: {
    id: string;
    backbone: string;
    layer: string;
    /** Which signal decided (ranking.ts Decision). */
    decidedBy: Decision;
    reason: string;
  } | null;
  notes: string[];
  selectionMs: number;
}

/** What a report says about the samples: those measured on, drawn from `stored` (./selection-pool.ts). */
export type SelectionContext = Pick<SelectionReport, "modality" | "current"> & {
  samples: unknown[];
  stored: number;
  /** The folds the request asked for (foldsFor may use fewer), when the report should compare. */
  foldsAsked?: number;
};

export function labelsOf(samples: { label: string }[]): string[] {
  return [...new Set(samples.map((s) => s.label))].sort();
}

/** The ranked report from every candidate's report, in the order they were measured. */
export function selectionReport(
  input: SelectionContext,
  labels: string[],
  reports: CandidateReport[],
  selectionMs: number,
): SelectionReport {
  const { notes, ...ranking } = rankReports(reports, input.current, input.samples.length);
  const described = context(input, labels, reports);
  return { ...ranking, ...described, notes: [...described.notes, ...notes], selectionMs };
}

export function failedCandidate(
  candidate: Candidate,
  available: Availability,
  error: unknown,
): CandidateReport {
  const detail = error instanceof Error ? error.message : String(error);
  return describeCandidate(candidate, available, { status: "failed", error: detail });
}

type RankableReport = RankableCandidate & { report: CandidateReport; accuracy: number };

/** Whether a report's candidate runs the adapter's current backbone (any of its runtimes) and layer. */
function isCurrent(report: CandidateReport, current: SelectionReport["current"]): boolean {
  return (
    report.layer === current.layer &&
    (report.backbone === current.backbone ||
      report.runtimes.some((r) => r.backbone === current.backbone))
  );
}

function rankReports(
  reports: CandidateReport[],
  current: SelectionReport["current"],
  samples: number,
) {
  const rankable: RankableReport[] = reports.flatMap((report) =>
    report.metrics
      ? [
          {
            id: report.id,
            macroF1: report.metrics.crossValidatedMacroF1,
            foldMacroF1: report.metrics.foldMacroF1,
            folds: report.metrics.folds,
            logME: report.metrics.logME,
            latencyMsPerItem: report.metrics.latencyMsPerItem,
            accuracy: report.metrics.crossValidatedAccuracy.mean,
            sizeBytes: report.sizeBytes,
            memoryBytes: report.availability.estimatedPeakBytes,
            report,
          },
        ]
      : [],
  );
  const currentCandidate = rankable.find((c) => isCurrent(c.report, current));
  const ranking = rankCandidates(rankable, { samples, currentId: currentCandidate?.id });
  const front = paretoFront(rankable).map((point) => point.id);
  for (const { candidate, rank, nearTie, tieTolerance } of ranking?.ranked ?? []) {
    candidate.report.rank = rank;
    candidate.report.nearTie = nearTie;
    candidate.report.tieTolerance = tieTolerance;
    candidate.report.paretoOptimal = front.includes(candidate.id);
  }
  const best = ranking?.ranked[0]?.candidate;
  const keeps = best !== undefined && best === currentCandidate;
  return {
    rule: RANKING_RULE,
    candidates: [
      ...(ranking?.ranked ?? []).map((r) => r.candidate.report),
      ...reports.filter((r) => r.status === "failed"),
      ...reports.filter((r) => r.status === "unavailable"),
    ],
    paretoFront: front,
    recommendation:
      ranking && best
        ? {
            id: best.id,
            // Staying means staying on the current runtime too, not moving to a variant of it.
            backbone: keeps ? current.backbone : best.report.backbone,
            layer: best.report.layer,
            decidedBy: ranking.decision,
            reason: decisionReason(ranking, best, samples),
          }
        : null,
    notes: ranking ? separationNotes(ranking, samples) : [],
  };
}

/** Why rank 1 is first, in the words of the signal that decided (ranking.ts Decision). */
function decisionReason(
  { decision, leader, evidenceBest }: Ranking<RankableReport>,
  best: RankableReport,
  samples: number,
): string {
  const f1 = (c: RankableReport) => `macro-F1 ${c.macroF1.mean.toFixed(4)}`;
  const logME = (c: RankableReport) => `LogME ${c.logME.toFixed(3)}`;
  // Said only of a factor under the threshold: rounded down, so 2.97 does not read "3.0, under 3".
  const bayes = (a: RankableReport, b: RankableReport) =>
    `log Bayes factor ${(Math.floor(samples * (a.logME - b.logME) * 100) / 100).toFixed(2)}`;
  switch (decision) {
    case "cross-validation":
      return `cross-validation decided: the highest cross-validated ${f1(best)}, and the folds separate it from every other candidate`;
    case "logme-among-unresolved":
      return `LogME decided among the candidates cross-validation cannot separate from the leader (${leader.id}, ${f1(leader)}): the highest evidence, ${logME(best)} (${f1(best)})`;
    case "current-kept":
      return best === evidenceBest
        ? `the current backbone stays: cross-validation cannot separate it from the leader (${leader.id}, ${f1(leader)}; its ${f1(best)}), and it has the highest LogME among them`
        : `the current backbone stays: cross-validation cannot separate it from the leader (${leader.id}, ${f1(leader)}; its ${f1(best)}), and LogME's evidence for ${evidenceBest.id} over it is not strong (${bayes(evidenceBest, best)}, under ${STRONG_LOG_EVIDENCE}), so no candidate is clearly better`;
    case "cheaper-resolved-tie":
      return `${f1(best)} is within 1 pt of the candidate it displaces, a tie the folds resolve and LogME does not contradict, and it is materially cheaper to serve (≤ 75 % of the latency or ≤ half the memory); the leader by cross-validation is ${leader.id} (${f1(leader)})`;
  }
}

/**
 * Says when the samples are too few for cross-validation to tell candidates apart: near ties of the
 * leader whose tolerance is the noise of the folds, or one sample's worth of the pool, rather than
 * the 1 pt floor. Nothing when the leader has no near tie (cross-validation decided).
 */
function separationNotes({ ranked, leader }: Ranking<RankableReport>, samples: number): string[] {
  const tied = ranked.filter((r) => r.nearTie);
  const noisy = tied.filter((r) => r.candidate !== leader && r.tieTolerance > MIN_TIE_TOLERANCE);
  if (tied.length < 2 || noisy.length === 0) return [];
  const widest = Math.max(...noisy.map((r) => r.tieTolerance));
  return [
    `too few samples (${samples}) for cross-validation to separate ${tied.length} candidates (${tied.map((r) => r.candidate.id).join(", ")}): their macro-F1 differ by less than the fold-to-fold noise, or one sample's worth of the pool, allows (up to ${(100 * widest).toFixed(1)} pts); LogME, on every sample at once, ranks them, the current backbone is kept unless its evidence is strongly beaten, and more samples would sharpen the ranking`,
  ];
}

function context(input: SelectionContext, labels: string[], reports: CandidateReport[]) {
  const notes: string[] = [];
  const usable = reports.filter((r) => r.status !== "unavailable");
  if (usable.length <= 1) {
    notes.push(
      `only ${usable.length} candidate${usable.length === 1 ? "" : "s"} for ${input.modality} can run in this deployment: there is nothing to choose between`,
    );
  }
  if (input.stored > input.samples.length) {
    notes.push(
      `measured on a stratified subsample of ${input.samples.length} of the adapter's ${input.stored} samples (at most ${SELECTION_MAX_SAMPLES}, and what the training budget allows for cross-validating the widest candidate): ranking needs far fewer samples than serving`,
    );
  }
  const used = Math.min(...reports.flatMap((report) => report.metrics?.folds ?? []));
  if (input.foldsAsked !== undefined && used < input.foldsAsked) {
    notes.push(
      `cross-validated on ${used} folds, not the ${input.foldsAsked} asked for: every label must be in every fold, so there are no more folds than the smallest label has distinct samples (and at least 3)`,
    );
  }
  const failed = reports.filter((r) => r.status === "failed");
  if (failed.length > 0) {
    notes.push(
      `${failed.length} candidate(s) failed and are not ranked: ${failed.map((r) => r.id).join(", ")}`,
    );
  }
  return {
    modality: input.modality,
    samples: input.samples.length,
    labels,
    current: input.current,
    notes,
  };
}

export function describeCandidate(
  candidate: Candidate,
  available: Availability,
  outcome: { status: CandidateReport["status"]; error: string | null },
  measured?: CandidateMeasurement,
): CandidateReport {
  // A fusion runs each of its backbones (once, if both parts cut the same one).
  const parts = candidate.fusion?.parts.map((part) => part.manifest) ?? [candidate.manifest];
  const manifests = [...new Map(parts.map((manifest) => [manifest.id, manifest])).values()];
  const joined = (values: string[]) => [...new Set(values)].join("+");
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    id: candidate.id,
    backbone: candidate.backbone,
    layer: candidate.layer,
    dim: candidate.dim,
    runtime: joined(manifests.map((manifest) => manifest.runtime)),
    runtimes: candidate.runtimes,
    licence: joined(manifests.map((manifest) => manifest.source.licence)),
    sizeBytes: sum(manifests.map((manifest) => manifest.sizeBytes)),
    flops: {
      approx: sum(manifests.map((manifest) => manifest.flops.approx)),
      per: candidate.manifest.flops.per,
    },
    availability: available,
    ...outcome,
    metrics: measured
      ? {
          folds: measured.crossValidation.folds,
          repeats: measured.crossValidation.repeats,
          crossValidatedAccuracy: measured.crossValidation.accuracy,
          crossValidatedMacroF1: measured.crossValidation.macroF1,
          foldMacroF1: measured.crossValidation.perFold.map((fold) => fold.macroF1),
          logME: measured.logME,
          prototypeLeaveOneOutAccuracy: measured.prototypeLeaveOneOutAccuracy,
          latencyMsPerItem: measured.latencyMsPerItem,
          embedMs: measured.embedMs,
          wasmHeapBytes: measured.wasmHeapBytes,
        }
      : null,
    rank: null,
    nearTie: false,
    tieTolerance: null,
    paretoOptimal: false,
  };
}
