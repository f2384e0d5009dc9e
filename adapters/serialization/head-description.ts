/**
 * A trained head as plain numbers and a short list of steps, for use outside this runtime (the JSON
 * export) and for building it as a graph (the ONNX export). Applied in order to one embedding (as
 * /v1/embed returns it), the steps give the head's logits; its probabilities are
 * softmax(logits / temperature), exactly what `AdapterHead.probabilities` computes (in float64).
 */

import type { AdapterHead } from "../heads/adapter-head";
import { weightRowCount } from "../logistic/multinomial-loss";
import { mlpLayout } from "../mlp/layout";
import type { BackboneRef, HeadType } from "../types";

export type HeadStep =
  /** x ← (x − mean) / scale, per feature. */
  | { op: "standardize"; mean: number[]; scale: number[] }
  /** x ← x / max(‖x‖₂, 1e-12). */
  | { op: "l2-normalize" }
  /** x ← W x + b; `weights` has one row per output. */
  | { op: "linear"; weights: number[][]; bias: number[] }
  /** x ← max(x, 0). */
  | { op: "relu" };

export interface HeadDescription {
  headType: HeadType;
  backbone: BackboneRef;
  /** Class names, in the order of the logits and probabilities. */
  labels: string[];
  steps: HeadStep[];
  temperature: number;
  /** Top probability below which predictions answer "unknown"; null: never abstain. */
  abstainThreshold: number | null;
}

export function describeHead(head: AdapterHead): HeadDescription {
  const { hyperparameters, shape, arrays } = head.estimator.getState();
  const classCount = shape.classCount ?? 0;
  const featureCount = shape.featureCount ?? 0;
  const standardize: HeadStep = {
    op: "standardize",
    mean: Array.from(head.scaler.mean),
    scale: Array.from(head.scaler.scale),
  };
  const estimatorSteps = {
    logistic: () => logisticSteps(array(arrays, "theta"), classCount, featureCount),
    prototype: () => prototypeSteps(array(arrays, "prototypes"), classCount, featureCount),
    mlp: () =>
      mlpSteps(
        array(arrays, "theta"),
        classCount,
        featureCount,
        Number(hyperparameters.hiddenUnits),
      ),
  }[head.headType];
  return {
    headType: head.headType,
    backbone: { ...head.backbone },
    labels: [...head.labels],
    steps: [standardize, ...estimatorSteps()],
    temperature: head.temperature,
    abstainThreshold: head.abstainThreshold,
  };
}

/**
 * θ holds R weight rows then R intercepts; for two classes R = 1 and class 0's logit is 0, so the
 * zero row is written out and every head has one linear output per class.
 */
function logisticSteps(theta: Float64Array, classCount: number, d: number): HeadStep[] {
  const rows = weightRowCount(classCount);
  const fitted = rowsOf(theta.subarray(0, rows * d), d);
  const intercepts = Array.from(theta.subarray(rows * d, rows * d + rows));
  const missing = classCount - rows;
  return [
    {
      op: "linear",
      weights: [...Array.from({ length: missing }, () => new Array<number>(d).fill(0)), ...fitted],
      bias: [...new Array<number>(missing).fill(0), ...intercepts],
    },
  ];
}

/** Cosine to unit-length class means: normalise the (centred) embedding, then one product. */
function prototypeSteps(prototypes: Float64Array, classCount: number, d: number): HeadStep[] {
  return [
    { op: "l2-normalize" },
    { op: "linear", weights: rowsOf(prototypes, d), bias: new Array<number>(classCount).fill(0) },
  ];
}

function mlpSteps(theta: Float64Array, classCount: number, d: number, hidden: number): HeadStep[] {
  const layout = mlpLayout(d, hidden, classCount);
  return [
    {
      op: "linear",
      weights: rowsOf(theta.subarray(layout.w1, layout.b1), d),
      bias: Array.from(theta.subarray(layout.b1, layout.w2)),
    },
    { op: "relu" },
    {
      op: "linear",
      weights: rowsOf(theta.subarray(layout.w2, layout.b2), hidden),
      bias: Array.from(theta.subarray(layout.b2, layout.size)),
    },
  ];
}

function rowsOf(values: Float64Array, width: number): number[][] {
  return Array.from({ length: values.length / width }, (_, row) =>
    Array.from(values.subarray(row * width, (row + 1) * width)),
  );
}

function array(arrays: Record<string, Float64Array>, name: string): Float64Array {
  const values = arrays[name];
  if (values === undefined) throw new Error(`the estimator has no "${name}" parameters`);
  return values;
}
