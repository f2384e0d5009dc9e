/**
 * What selection measures of one candidate on the samples' vectors: the logistic head's
 * cross-validated quality under the training protocol, LogME and nearest-prototype leave-one-out
 * accuracy; and its embedding time (./selection-run.ts).
 */

import { type BackboneRef, fromRows, type Matrix } from "../../adapters";
import {
  type CrossValidationInput,
  type CrossValidationReport,
  logME,
  prototypeLeaveOneOutAccuracy,
} from "../../adapters/selection";

export interface CandidateMeasurement {
  crossValidation: CrossValidationReport;
  logME: number;
  prototypeLeaveOneOutAccuracy: number;
  latencyMsPerItem: number;
  embedMs: number;
  /** The wasm heaps of this isolate after embedding (they only grow; shared by all backbones). */
  wasmHeapBytes: number;
}

export interface ScoreInput {
  backbone: BackboneRef;
  vectors: Float32Array[];
  y: Int32Array;
  labels: string[];
  folds?: number;
  seed?: number;
}

/** A cross-validation's input whose matrix is float64: LogME and the prototypes read it too. */
export type SelectionInput = CrossValidationInput & { X: Matrix };

/** What selection cross-validates: the logistic head under the training protocol. */
export function crossValidationOf(input: ScoreInput): SelectionInput {
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
