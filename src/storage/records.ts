/** What the `TenantStore` Durable Object hands back over RPC: plain, serialisable records. */

import type {
  AdapterHeadType,
  Hyperparameters,
  TrainingReport,
  TrainOptions,
} from "../../adapters";
import type { SelectionReport, SelectionRequest } from "../selection/selection-report";

export interface TenantRecord {
  id: string;
  name: string;
  retainRawSamples: boolean;
  createdAt: string;
}

export interface KeyRecord {
  id: string;
  hint: string;
  createdAt: string;
}

/** What an adapter's embeddings come from: a backbone's exact weights, cut at one layer. */
export interface BackboneBinding {
  backbone: string;
  backboneVersion: string;
  weightsHash: string;
  /** The cut layer; null means the backbone's default output (and a fusion, whose id names its layers). */
  layer: string | null;
  dim: number;
  /** A fusion's block dims in order (models/fusion.ts); null for one backbone. */
  blocks: number[] | null;
}

/** The embedding space a vector lives in (what samples and head versions must agree on). */
export type EmbeddingSpace = Pick<BackboneBinding, "backbone" | "weightsHash" | "layer">;

export interface AdapterRecord extends BackboneBinding {
  id: string;
  name: string;
  headType: AdapterHeadType;
  activeVersion: number | null;
  createdAt: string;
}

export interface NewAdapter extends BackboneBinding {
  name: string;
  headType: AdapterHeadType;
}

export interface NewSample {
  label: string;
  contentHash: string;
  embedding: Float32Array;
  rawKey: string | null;
}

export type SampleOutcome =
  | { status: "added"; id: string }
  /** `label`: the one the sample is stored under, the first upload's, whatever this one said. */
  | { status: "duplicate"; id: string; label: string };

export interface LabelCount {
  label: string;
  count: number;
}

export interface SampleCounts {
  total: number;
  labels: LabelCount[];
}

/** A stored sample as listed: what it is, not its embedding. */
export interface SampleSummary {
  id: string;
  label: string;
  /** SHA-256 of the exact text or image bytes (what uploads deduplicate on, and what reports name). */
  contentHash: string;
  /** Whether its raw upload is kept (readable at …/samples/{id}/raw). */
  retained: boolean;
  createdAt: string;
}

/** A training job's request: the head protocol's options, plus which head type and whether to activate. */
export interface TrainRequest extends Omit<TrainOptions, "hyperparameters"> {
  /** Plain values only, so that the request can be stored and returned as JSON. */
  hyperparameters?: Hyperparameters;
  headType?: AdapterHeadType;
  activate?: boolean;
}

/** A switch job's request: the backbone (or fusion) and layer to move the adapter to, checked by the Worker. */
export interface SwitchRequest extends Omit<BackboneBinding, "layer" | "blocks"> {
  /** The cut layer; null for a fusion, whose id names its layers. */
  layer: string | null;
  /** A fusion's block dims; absent (requests stored before fusions) or null for one backbone. */
  blocks?: number[] | null;
  seed?: number;
  /** The selection job whose recommendation this applies, if any. */
  selectionJobId?: string;
}

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** How a job's steps went (src/objects/job-runner.ts): each step is bounded work, then a checkpoint. */
export interface JobStepStats {
  steps: number;
  /** Steps attempted again after an attempt died (crash, deploy, kill, CPU limit). */
  retries: number;
  /** The longest step's duration: what other requests might wait behind, locally. */
  maxStepMs: number;
  /** Time spent in steps, summed (the wall time between steps is not counted). */
  computeMs: number;
}

interface JobFields {
  id: string;
  adapterId: string;
  status: JobStatus;
  progress: { stage: string | null; fraction: number; message: string | null };
  steps: JobStepStats;
  error: { code: string; detail: string } | null;
  /** The head version a training or switch job wrote. */
  version: number | null;
  /** A selection job's ranked report, once it succeeded. */
  report: SelectionReport | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Training trains a head; selection ranks backbones; switch re-embeds on another backbone and trains. */
export type JobRequestOf = {
  training: TrainRequest;
  selection: SelectionRequest;
  switch: SwitchRequest;
};

export type JobKind = keyof JobRequestOf;

export type JobOf<K extends JobKind> = JobFields & { kind: K; request: JobRequestOf[K] };

export type JobRecord = { [K in JobKind]: JobOf<K> }[JobKind];

export interface VersionRecord {
  adapterId: string;
  version: number;
  /** The backbone the head was trained on (it can only serve embeddings from that one). */
  binding: EmbeddingSpace;
  jobId: string;
  headType: AdapterHeadType;
  headKey: string;
  headBytes: number;
  active: boolean;
  report: TrainingReport;
  createdAt: string;
}
