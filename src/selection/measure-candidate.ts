/**
 * Measures one candidate on the adapter's samples: embed them all (timing it), then the logistic
 * head's cross-validated quality, LogME and nearest-prototype leave-one-out accuracy on the vectors.
 */

import { type BackboneRef, fromRows, type Matrix } from "../../adapters";
import {
  type CrossValidationInput,
  type CrossValidationReport,
  crossValidateHead,
  logME,
  prototypeLeaveOneOutAccuracy,
} from "../../adapters/selection";
import type { RawInput } from "../routes/inputs";
import type { BackbonePool } from "../runtime/backbones";
import type { Candidate } from "./candidates";
import { embedRaw } from "./embed-raw";

export interface CandidateMeasurement {
  crossValidation: CrossValidationReport;
  logME: number;
  prototypeLeaveOneOutAccuracy: number;
  latencyMsPerItem: number;
  embedMs: number;
  /** The wasm heaps of this isolate after embedding (they only grow; shared by all backbones). */
  wasmHeapBytes: number;
}

export interface MeasureInput {
  pool: BackbonePool;
  candidate: Candidate;
  /** As uploaded (./embed-raw.ts preprocesses them batch by batch). */
  inputs: RawInput[];
  /** Class index of each input, into labels. */
  y: Int32Array;
  labels: string[];
  folds?: number;
  seed?: number;
  onProgress?: (message: string) => Promise<void> | void;
}

export async function measureCandidate(input: MeasureInput): Promise<CandidateMeasurement> {
  const { pool, candidate } = input;
  const { vectors, embedMs } = await embedRaw(pool, candidate, input.inputs);
  await input.onProgress?.(`${candidate.id}: embedded ${vectors.length} samples`);
  const scores = await scoreEmbeddings({
    backbone: {
      id: candidate.backbone,
      weightsHash: candidate.manifest.weightsHash,
      dim: candidate.dim,
    },
    vectors,
    y: input.y,
    labels: input.labels,
    folds: input.folds,
    seed: input.seed,
    onProgress: (message) => input.onProgress?.(`${candidate.id}: ${message}`),
  });
  return {
    ...scores,
    latencyMsPerItem: embedMs / vectors.length,
    embedMs,
    wasmHeapBytes: pool.wasmHeapBytes(),
  };
}

export interface ScoreInput {
  backbone: BackboneRef;
  vectors: Float32Array[];
  y: Int32Array;
  labels: string[];
  folds?: number;
  seed?: number;
  onProgress?: (message: string) => Promise<void> | void;
}

/** The quality measures of one candidate's embeddings of the samples. */
export async function scoreEmbeddings(
  input: ScoreInput,
): Promise<
  Pick<CandidateMeasurement, "crossValidation" | "logME" | "prototypeLeaveOneOutAccuracy">
> {
  const cv = crossValidationOf(input);
  const crossValidation = await crossValidateHead({
    ...cv,
    onProgress: (progress) => input.onProgress?.(progress.message),
  });
  return { crossValidation, ...transferability(cv.X, input.y, input.labels.length) };
}

/** What selection cross-validates: the logistic head under the training protocol. */
export function crossValidationOf(input: Omit<ScoreInput, "onProgress">): CrossValidationInput {
  return {
    headType: "logistic",
    backbone: input.backbone,
    X: fromRows(input.vectors, input.backbone.dim),
    y: input.y,
    labels: input.labels,
    folds: input.folds,
    seed: input.seed,
  };
}

/** The training-free measures: LogME and nearest-prototype leave-one-out accuracy. */
export function transferability(
  X: Matrix,
  y: Int32Array,
  classCount: number,
): Pick<CandidateMeasurement, "logME" | "prototypeLeaveOneOutAccuracy"> {
  return {
    logME: logME(X, y, classCount).score,
    prototypeLeaveOneOutAccuracy: prototypeLeaveOneOutAccuracy(X, y, classCount),
  };
}
