/**
 * Measures one candidate on the adapter's samples: embed them all (timing it), then the logistic
 * head's cross-validated quality, LogME and nearest-prototype leave-one-out accuracy on the vectors.
 */

import { type BackboneRef, fromRows } from "../../adapters";
import {
  type CrossValidationReport,
  crossValidateHead,
  logME,
  prototypeLeaveOneOutAccuracy,
} from "../../adapters/selection";
import type { BackboneInput } from "../../models";
import type { BackbonePool } from "../runtime/backbones";
import type { Candidate } from "./candidates";

const EMBED_BATCH = 32;

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
  inputs: BackboneInput[];
  /** Class index of each input, into labels. */
  y: Int32Array;
  labels: string[];
  folds?: number;
  seed?: number;
  onProgress?: (message: string) => Promise<void> | void;
}

export async function measureCandidate(input: MeasureInput): Promise<CandidateMeasurement> {
  const { pool, candidate } = input;
  const { vectors, embedMs } = await embedTimed(pool, candidate, input.inputs);
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
  const X = fromRows(input.vectors, input.backbone.dim);
  const classCount = input.labels.length;
  const crossValidation = await crossValidateHead({
    headType: "logistic",
    backbone: input.backbone,
    X,
    y: input.y,
    labels: input.labels,
    folds: input.folds,
    seed: input.seed,
    onProgress: (progress) => input.onProgress?.(progress.message),
  });
  return {
    crossValidation,
    logME: logME(X, input.y, classCount).score,
    prototypeLeaveOneOutAccuracy: prototypeLeaveOneOutAccuracy(X, input.y, classCount),
  };
}

/**
 * Embeds in batches, timing only the backbone calls (the first call's load is excluded: it is
 * warmed on one input first). workerd advances its clock only at I/O, so each timed batch sits
 * between two timer yields; that makes the clock read the batch's end, not its start.
 */
async function embedTimed(
  pool: BackbonePool,
  candidate: Candidate,
  inputs: BackboneInput[],
): Promise<{ vectors: Float32Array[]; embedMs: number }> {
  await pool.embed(candidate.backbone, inputs.slice(0, 1), candidate.layer);
  const vectors: Float32Array[] = [];
  let embedMs = 0;
  for (let start = 0; start < inputs.length; start += EMBED_BATCH) {
    await yieldToTimer();
    const started = performance.now();
    const { embeddings } = await pool.embed(
      candidate.backbone,
      inputs.slice(start, start + EMBED_BATCH),
      candidate.layer,
    );
    await yieldToTimer();
    embedMs += performance.now() - started;
    vectors.push(...embeddings);
  }
  return { vectors, embedMs };
}

function yieldToTimer(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
