/**
 * A trained head, described as plain steps (the JSON export) and built as an ONNX graph (the
 * head-only ONNX export), gives the head's own probabilities: the steps applied in float64, the
 * graph run by onnxruntime-node in float32.
 */

import * as ortNode from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import {
  type AdapterHead,
  describeHead,
  deserializeHead,
  fromRows,
  type HeadDescription,
  type HeadType,
  trainHead,
} from "../../../adapters";
import { buildHeadClassifier, EMBEDDING_INPUT, PROBABILITIES_OUTPUT } from "../../../models/onnx";
import { blobs } from "../adapters/helpers";

const DIM = 24;

async function trainedHead(headType: HeadType, classes: number): Promise<AdapterHead> {
  const { samples } = blobs({ perClass: 12, classes, dim: DIM, separation: 3, seed: 5 });
  const backbone = { id: "blobs", weightsHash: "none", dim: DIM };
  const { head } = await trainHead({
    headType,
    backbone,
    samples,
    options: { seed: 1, hyperparameters: headType === "mlp" ? { maxEpochs: 20 } : {} },
  });
  // What the export reads: the stored bytes, decoded.
  return deserializeHead(head.serialize(), backbone);
}

/** The description's steps applied as its documentation says, in float64. */
function applyDescription(description: HeadDescription, embedding: ArrayLike<number>): number[] {
  let x = Array.from(embedding);
  for (const step of description.steps) {
    if (step.op === "standardize") {
      x = x.map((v, j) => (v - (step.mean[j] ?? 0)) / (step.scale[j] ?? 1));
    } else if (step.op === "l2-normalize") {
      const norm = Math.max(Math.hypot(...x), 1e-12);
      x = x.map((v) => v / norm);
    } else if (step.op === "relu") {
      x = x.map((v) => Math.max(v, 0));
    } else {
      x = step.weights.map(
        (row, k) => row.reduce((sum, w, j) => sum + w * (x[j] ?? 0), 0) + (step.bias[k] ?? 0),
      );
    }
  }
  const scaled = x.map((v) => v / description.temperature);
  const max = Math.max(...scaled);
  const exps = scaled.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

const CASES: [HeadType, number][] = [
  ["logistic", 3],
  ["logistic", 2],
  ["prototype", 3],
  ["mlp", 3],
];

describe.each(CASES)("a %s head with %i classes", (headType, classes) => {
  it("is reproduced by its JSON steps and by its ONNX graph", async () => {
    const head = await trainedHead(headType, classes);
    const { X } = blobs({ perClass: 4, classes, dim: DIM, separation: 3, seed: 99 });
    const rows = Array.from({ length: X.rows }, (_, i) =>
      Float32Array.from(X.data.subarray(i * DIM, (i + 1) * DIM)),
    );
    const expected = head.probabilities(fromRows(rows, DIM)).data;

    const description = describeHead(head);
    expect(description.labels).toEqual(head.labels);
    expect(description.steps.at(-1)).toMatchObject({ op: "linear" });
    const fromSteps = rows.flatMap((row) => applyDescription(description, row));
    expect(maxAbsDifference(fromSteps, expected)).toBeLessThan(1e-9);

    const onnx = buildHeadClassifier(description, DIM, { docString: "test", metadata: {} });
    const session = await ortNode.InferenceSession.create(onnx);
    const input = new ortNode.Tensor("float32", Float32Array.from(rows.flatMap((r) => [...r])), [
      rows.length,
      DIM,
    ]);
    const output = await session.run({ [EMBEDDING_INPUT]: input });
    const probabilities = output[PROBABILITIES_OUTPUT];
    expect(probabilities?.dims).toEqual([rows.length, classes]);
    expect(maxAbsDifference(probabilities?.data as Float32Array, expected)).toBeLessThan(1e-5);
    await session.release();
  });
});

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return worst;
}
