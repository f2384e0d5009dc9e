/** The API's answers as the console reads them (the OpenAPI document at /openapi.json has them all). */

import type { FinetuneReport } from "../../../adapters/finetune/finetune-run";
import type { ReliabilityBin, TrainingReport } from "../../../adapters/types";

export type { ReliabilityBin, TrainingReport };

export interface Adapter {
  id: string;
  name: string;
  backbone: string;
  layer: string | null;
  headType: string;
  activeVersion: number | null;
  createdAt: string;
}

export interface Backbone {
  id: string;
  modality: "image" | "text";
  description: string;
  dim: number;
  /** The published output: /v1/embed's layer, and a fusion part's when it names none. */
  defaultLayer: string;
  /** The cut layer a new adapter starts on when it names none; `layers` lists them all. */
  adapterLayer: string;
  layers: { name: string; dim: number; description: string }[];
  sizeBytes: number;
  parameters: number;
  latency: { msPerItem: number } | null;
  selection: { available: boolean; reasons: string[] };
  /** Whether it declares a trainable top, so adapters on it can train a `finetune` head. */
  finetune: boolean;
  /** The export formats of a head version on it (a finetune's or a fusion's: none). */
  exports: string[];
  /** Shared by runtime variants of one model: a fusion of the two at one layer repeats a block. */
  weightsHash: string;
}

/** Whether an adapter's backbone is a fusion of two (`a[:layer]+b[:layer]`). */
export const isFusion = (backboneId: string) => backboneId.includes("+");

/** The catalogue's entry for a backbone id; a fusion's first part, whose modality both share. */
export function catalogueEntry(backbones: Backbone[], backboneId: string): Backbone | undefined {
  const first = backboneId.split("+")[0]?.split(":")[0];
  return backbones.find((backbone) => backbone.id === first);
}

/** The head types an adapter on this backbone (at `layer`, null: its default) can train. */
export function headTypesFor(
  backbone: Backbone | undefined,
  layer: string | null = null,
): string[] {
  // The trainable top ends in the default layer: an adapter cut elsewhere cannot retrain it.
  return backbone?.finetune && (layer === null || layer === backbone.defaultLayer)
    ? ["logistic", "prototype", "mlp", "finetune"]
    : ["logistic", "prototype", "mlp"];
}

export interface Job {
  id: string;
  adapterId: string;
  kind: "training" | "selection" | "switch";
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  progress: { stage: string | null; fraction: number; message: string | null };
  error: { code: string; detail: string } | null;
  version: number | null;
  report: SelectionReport | null;
  /** What was asked: a training's head type, among others. */
  request: { headType?: string; activate?: boolean };
}

export interface HeadVersion {
  version: number;
  headType: string;
  active: boolean;
  binding: { backbone: string; layer: string | null };
  /** A finetune training's report adds its candidates' learning curves. */
  report: TrainingReport & Partial<Pick<FinetuneReport, "finetune">>;
  createdAt: string;
}

export interface SampleCounts {
  total: number;
  labels: { label: string; count: number }[];
}

export interface SampleList extends SampleCounts {
  items: { id: string; label: string; contentHash: string; retained: boolean }[];
  nextCursor: string | null;
}

export interface UploadResult {
  added: number;
  duplicates: number;
  counts: SampleCounts;
  /** `label`, for a duplicate: the label it is stored under (the first upload's). */
  samples: { id: string; status: "added" | "duplicate"; label?: string }[];
}

export interface Predictions {
  version: number;
  predictions: {
    label: string;
    abstained: boolean;
    topK: { label: string; probability: number }[];
  }[];
}

export interface Candidate {
  id: string;
  backbone: string;
  layer: string;
  sizeBytes: number;
  status: "measured" | "unavailable" | "failed";
  error: string | null;
  availability: { available: boolean; reasons: string[] };
  metrics: {
    crossValidatedMacroF1: { mean: number };
    crossValidatedAccuracy: { mean: number };
    latencyMsPerItem: number;
  } | null;
  rank: number | null;
  nearTie: boolean;
  paretoOptimal: boolean;
}

export interface SelectionReport {
  samples: number;
  labels: string[];
  current: { backbone: string; layer: string };
  rule: string;
  candidates: Candidate[];
  paretoFront: string[];
  recommendation: { id: string; backbone: string; layer: string; reason: string } | null;
  notes: string[];
  /** Frozen against top unfrozen, when the selection was asked to include it. */
  finetune?: {
    candidate: string | null;
    status: "measured" | "failed" | "not-measured";
    error: string | null;
    comparison: {
      variants: { variant: string; crossValidatedMacroF1: { mean: number } }[];
      recommendation: { variant: string; reason: string };
    } | null;
  } | null;
}
