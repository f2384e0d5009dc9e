/** What the `TenantStore` Durable Object hands back over RPC: plain, serialisable records. */

import type { HeadType, Hyperparameters, TrainOptions } from "../../adapters";

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

export interface AdapterRecord {
  id: string;
  name: string;
  backbone: string;
  backboneVersion: string;
  weightsHash: string;
  dim: number;
  headType: HeadType;
  activeVersion: number | null;
  createdAt: string;
}

export interface NewAdapter {
  name: string;
  backbone: string;
  backboneVersion: string;
  weightsHash: string;
  dim: number;
  headType: HeadType;
}

export interface NewSample {
  label: string;
  contentHash: string;
  embedding: Float32Array;
  rawKey: string | null;
}

export type SampleOutcome = { status: "added"; id: string } | { status: "duplicate"; id: string };

export interface LabelCount {
  label: string;
  count: number;
}

export interface SampleCounts {
  total: number;
  labels: LabelCount[];
}

/** A training job's request: the head protocol's options, plus which head type and whether to activate. */
export interface TrainRequest extends Omit<TrainOptions, "hyperparameters"> {
  /** Plain values only, so that the request can be stored and returned as JSON. */
  hyperparameters?: Hyperparameters;
  headType?: HeadType;
  activate?: boolean;
}

export type JobStatus = "queued" | "running" | "succeeded" | "failed";

export interface JobRecord {
  id: string;
  adapterId: string;
  status: JobStatus;
  request: TrainRequest;
  progress: { stage: string | null; fraction: number; message: string | null };
  error: { code: string; detail: string } | null;
  version: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface VersionRecord {
  adapterId: string;
  version: number;
  jobId: string;
  headType: HeadType;
  headKey: string;
  headBytes: number;
  active: boolean;
  report: unknown;
  createdAt: string;
}
