import { describe, expect, it } from "vitest";
import { type HeadType, STEP_FLOPS, StandardScaler } from "../../../adapters";
import { featureMatrix, fromRows } from "../../../adapters/linalg/matrix";
import { CrossValidationRun } from "../../../adapters/selection/cross-validate";
import { blobs } from "./helpers";

// Embeddings are float32: kept as such, the protocol reads the very values a float64 copy holds.
const { samples, y } = blobs({ perClass: 12, classes: 3, dim: 10, separation: 2, seed: 7 });
const rows = samples.map((s) => s.features);
const singles = featureMatrix(rows, 10);
const doubles = fromRows(rows, 10);
const backbone = { id: "blobs", weightsHash: "none", dim: 10 };

function crossValidated(headType: HeadType, X: typeof singles) {
  const run = new CrossValidationRun({
    headType,
    backbone,
    X,
    y,
    labels: ["a", "b", "c"],
    seed: 3,
    options: { sweep: { cGrid: [0.1, 10] }, hyperparameters: { hiddenUnits: 4, maxEpochs: 5 } },
  });
  while (!run.done) run.advance(STEP_FLOPS);
  return { report: run.result(), outOfFold: run.outOfFold() };
}

describe("float32 feature matrix", () => {
  it("holds float32 rows in half the bytes of a float64 matrix, the same values", () => {
    expect(singles.data).toBeInstanceOf(Float32Array);
    expect(Float64Array.from(singles.data)).toEqual(doubles.data);
  });

  it.each(["logistic", "mlp", "prototype"] as const)(
    "cross-validates a %s head to the same bits as from the float64 copy",
    (headType) => {
      expect(crossValidated(headType, singles)).toEqual(crossValidated(headType, doubles));
    },
  );

  it("scales into float64 copies the bits of scaling the float64 matrix", () => {
    const scaler = new StandardScaler().fit(singles);
    expect(scaler).toEqual(new StandardScaler().fit(doubles));
    const scaled = scaler.transform(singles);
    expect(scaled.data).toBeInstanceOf(Float64Array);
    expect(scaled).toEqual(scaler.transform(doubles));
    expect(scaler.transform(singles, [4, 1])).toEqual(scaler.transform(doubles, [4, 1]));
  });
});
