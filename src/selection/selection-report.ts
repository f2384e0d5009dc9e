/**
 * A selection's report: each candidate described with its measures (or why it was not measured),
 * ranked by the documented rule (adapters/selection/ranking), the accuracy–latency Pareto front
 * marked, and the recommendation with its reason. A candidate that fails is reported as failed; the
 * others are still ranked.
 */

import {
  type FoldStatistic,
  MIN_TIE_TOLERANCE,
  paretoFront,
  RANKING_RULE,
  type RankableCandidate,
  rankCandidates,
} from "../../adapters/selection";
import type { BackboneManifest } from "../../models";
import type { Availability, Candidate } from "./candidates";
import type { CandidateMeasurement } from "./measure-candidate";

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
  recommendation: { id: string; backbone: string; layer: string; reason: string } | null;
  notes: string[];
  selectionMs: number;
}

export function labelsOf(samples: { label: string }[]): string[] {
  return [...new Set(samples.map((s) => s.label))].sort();
}

/** The ranked report from every candidate's report, in the order they were measured. */
export function selectionReport(
  input: Pick<SelectionReport, "modality" | "current"> & { samples: unknown[] },
  labels: string[],
  reports: CandidateReport[],
  selectionMs: number,
): SelectionReport {
  const { notes, ...ranking } = rankReports(reports, input.current);
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

function rankReports(reports: CandidateReport[], current: SelectionReport["current"]) {
  const rankable = reports.flatMap((report) =>
    report.metrics
      ? [
          {
            id: report.id,
            macroF1: report.metrics.crossValidatedMacroF1,
            foldMacroF1: report.metrics.foldMacroF1,
            folds: report.metrics.folds,
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
  const ranked = rankCandidates(rankable, currentCandidate?.id);
  const front = paretoFront(rankable).map((point) => point.id);
  for (const { candidate, rank, nearTie, tieTolerance } of ranked) {
    candidate.report.rank = rank;
    candidate.report.nearTie = nearTie;
    candidate.report.tieTolerance = tieTolerance;
    candidate.report.paretoOptimal = front.includes(candidate.id);
  }
  const best = ranked[0]?.candidate;
  const leader = rankable.reduce<(typeof rankable)[number] | undefined>(
    (a, b) => (!a || b.macroF1.mean > a.macroF1.mean ? b : a),
    undefined,
  );
  const keeps = best !== undefined && best === currentCandidate;
  const reason = (): string => {
    if (!best || !leader) return "";
    const f1 = (c: typeof best) => c.macroF1.mean.toFixed(4);
    if (keeps && best !== leader) {
      return `the current backbone stays: its macro-F1 ${f1(best)} is within its tie tolerance (${ranked[0]?.tieTolerance.toFixed(4)}) of the best (${leader.id}, ${f1(leader)}), so no candidate is clearly better`;
    }
    if (best === leader) return `highest cross-validated macro-F1 (${f1(best)})`;
    return `macro-F1 ${f1(best)} is within 1 pt of the candidate it displaces, a tie the folds resolve, and it is materially cheaper to serve (≤ 75 % of the latency or ≤ half the memory); the best is ${leader.id} (${f1(leader)})`;
  };
  return {
    rule: RANKING_RULE,
    candidates: [
      ...ranked.map((r) => r.candidate.report),
      ...reports.filter((r) => r.status === "failed"),
      ...reports.filter((r) => r.status === "unavailable"),
    ],
    paretoFront: front,
    recommendation: best
      ? {
          id: best.id,
          // Staying means staying on the current runtime too, not moving to a variant of it.
          backbone: keeps ? current.backbone : best.report.backbone,
          layer: best.report.layer,
          reason: reason(),
        }
      : null,
    notes: separationNotes(ranked, rankable.length),
  };
}

/**
 * Says when the samples are too few to tell candidates apart: near ties whose tolerance is the
 * noise of the folds (above the 1 pt floor) rather than a real difference.
 */
function separationNotes(
  ranked: ReturnType<typeof rankCandidates<RankableReport>>,
  measured: number,
): string[] {
  const tied = ranked.filter((r) => r.nearTie);
  const noisy = tied.filter((r) => r.tieTolerance > MIN_TIE_TOLERANCE);
  if (measured < 2 || noisy.length === 0) return [];
  const widest = Math.max(...noisy.map((r) => r.tieTolerance));
  return [
    `too few samples to separate ${tied.length} candidates (${tied.map((r) => r.candidate.id).join(", ")}): their macro-F1 differ by less than the fold-to-fold noise (up to ${(100 * widest).toFixed(1)} pts); the current backbone is kept, no cheaper one is traded for it on such a tie, and more samples would sharpen the ranking`,
  ];
}

function context(
  input: Pick<SelectionReport, "modality" | "current"> & { samples: unknown[] },
  labels: string[],
  reports: CandidateReport[],
) {
  const notes: string[] = [];
  const usable = reports.filter((r) => r.status !== "unavailable");
  if (usable.length <= 1) {
    notes.push(
      `only ${usable.length} candidate${usable.length === 1 ? "" : "s"} for ${input.modality} can run in this deployment: there is nothing to choose between`,
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
