/**
 * Backbone selection on an adapter's own samples: measure every available candidate of the
 * modality, rank them by the documented rule (adapters/selection/ranking), and mark the
 * accuracy–latency Pareto front. A candidate that fails is reported as failed; the others are still
 * ranked.
 */

import {
  type FoldStatistic,
  paretoFront,
  RANKING_RULE,
  rankCandidates,
} from "../../adapters/selection";
import type { BackboneManifest } from "../../models";
import type { RawInput } from "../routes/inputs";
import type { BackbonePool } from "../runtime/backbones";
import { type Availability, availability, type Candidate, candidatesFor } from "./candidates";
import { type CandidateMeasurement, measureCandidate } from "./measure-candidate";

export interface SelectionRequest {
  /** Folds for cross-validation (fewer when the smallest label has fewer samples; at least 3). */
  folds?: number;
  seed?: number;
  /** Only these backbone ids (default: every backbone of the adapter's modality). */
  backbones?: string[];
}

export interface LabelledRaw {
  raw: RawInput;
  label: string;
}

export interface CandidateReport {
  id: string;
  backbone: string;
  layer: string;
  dim: number;
  runtime: string;
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

export interface SelectBackboneInput {
  pool: BackbonePool;
  modality: BackboneManifest["modality"];
  current: { backbone: string; layer: string };
  samples: LabelledRaw[];
  request: SelectionRequest;
  onProgress?: (fraction: number, message: string) => Promise<void> | void;
}

export async function selectBackbone(input: SelectBackboneInput): Promise<SelectionReport> {
  const started = performance.now();
  const { pool, samples, request } = input;
  const labels = labelsOf(samples);
  const classOf = new Map(labels.map((label, k) => [label, k]));
  const y = Int32Array.from(samples, (s) => classOf.get(s.label) as number);
  const candidates = selectionCandidates(pool, input.modality, request);

  const reports: CandidateReport[] = [];
  for (const [i, candidate] of candidates.entries()) {
    const report = (message: string) =>
      input.onProgress?.(
        i / candidates.length,
        `candidate ${i + 1}/${candidates.length} ${message}`,
      );
    const available = availability(candidate.manifest, pool.runtimes);
    if (!available.available) {
      reports.push(describeCandidate(candidate, available, { status: "unavailable", error: null }));
      continue;
    }
    await report(`${candidate.id}: embedding`);
    try {
      const measured = await measureCandidate({
        pool,
        candidate,
        inputs: samples.map((s) => s.raw),
        y,
        labels,
        folds: request.folds,
        seed: request.seed,
        onProgress: report,
      });
      reports.push(
        describeCandidate(candidate, available, { status: "measured", error: null }, measured),
      );
    } catch (error) {
      reports.push(failedCandidate(candidate, available, error));
    }
  }
  return selectionReport(input, labels, reports, performance.now() - started);
}

/** The candidates a selection measures: every cut layer of every backbone of the modality, or those asked for. */
export function selectionCandidates(
  pool: BackbonePool,
  modality: BackboneManifest["modality"],
  request: SelectionRequest,
): Candidate[] {
  return candidatesFor(pool.manifests(), modality).filter(
    (c) => !request.backbones || request.backbones.includes(c.backbone),
  );
}

export function labelsOf(samples: { label: string }[]): string[] {
  return [...new Set(samples.map((s) => s.label))].sort();
}

/** The ranked report from every candidate's report, in the order they were measured. */
export function selectionReport(
  input: Pick<SelectBackboneInput, "modality" | "current"> & { samples: unknown[] },
  labels: string[],
  reports: CandidateReport[],
  selectionMs: number,
): SelectionReport {
  return { ...rankReports(reports), ...context(input, labels, reports), selectionMs };
}

export function failedCandidate(
  candidate: Candidate,
  available: Availability,
  error: unknown,
): CandidateReport {
  const detail = error instanceof Error ? error.message : String(error);
  return describeCandidate(candidate, available, { status: "failed", error: detail });
}

function rankReports(reports: CandidateReport[]) {
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
            report,
          },
        ]
      : [],
  );
  const ranked = rankCandidates(rankable);
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
          backbone: best.report.backbone,
          layer: best.report.layer,
          reason:
            best.id === leader?.id
              ? `highest cross-validated macro-F1 (${best.macroF1.mean.toFixed(4)})`
              : `macro-F1 ${best.macroF1.mean.toFixed(4)} is within its tie tolerance (${ranked[0]?.tieTolerance.toFixed(4)}) of the best (${leader?.id}, ${leader?.macroF1.mean.toFixed(4)}) and it is cheaper to serve`,
        }
      : null,
  };
}

function context(
  input: Pick<SelectBackboneInput, "modality" | "current"> & { samples: unknown[] },
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
  const { manifest } = candidate;
  return {
    id: candidate.id,
    backbone: candidate.backbone,
    layer: candidate.layer,
    dim: candidate.dim,
    runtime: manifest.runtime,
    licence: manifest.source.licence,
    sizeBytes: manifest.sizeBytes,
    flops: { approx: manifest.flops.approx, per: manifest.flops.per },
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
