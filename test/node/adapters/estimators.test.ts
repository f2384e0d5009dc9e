import { describe, expect, it } from "vitest";
import { fromRows, selectRows } from "../../../adapters/linalg/matrix";
import { LogisticRegression, sampleWeightsFor } from "../../../adapters/logistic";
import { MlpClassifier } from "../../../adapters/mlp";
import { EARLY_STOP_WARMUP_EPOCHS } from "../../../adapters/mlp/mlp-classifier";
import { CosinePrototypeClassifier } from "../../../adapters/prototype";
import { SeededRandom } from "../../../adapters/random";
import { blobs } from "./helpers";

/** XOR: not linearly separable, so it tells a working hidden layer apart from a linear model. */
function xor(n: number, seed: number) {
  const random = new SeededRandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const [a, b] = [random.next() - 0.5, random.next() - 0.5];
    rows.push([a * 4, b * 4]);
    labels.push(a * b > 0 ? 1 : 0);
  }
  return { X: fromRows(rows, 2), y: Int32Array.from(labels) };
}

describe("MLP classifier", () => {
  it("learns XOR, which logistic regression cannot", () => {
    const train = xor(400, 1);
    const validation = xor(100, 2);
    const mlp = new MlpClassifier({
      hiddenUnits: 16,
      dropout: 0,
      learningRate: 0.01,
      maxEpochs: 200,
      patience: 20,
    }).fit(train.X, train.y, { validation });
    expect(mlp.score(validation.X, validation.y)).toBeGreaterThan(0.9);
    expect(
      new LogisticRegression().fit(train.X, train.y).score(validation.X, validation.y),
    ).toBeLessThan(0.7);
  });

  it("reports its learning curve: the validation loss of every epoch, lowest at the kept one", () => {
    const train = xor(200, 4);
    const validation = xor(60, 5);
    const mlp = new MlpClassifier({ hiddenUnits: 8, maxEpochs: 40, patience: 3 }).fit(
      train.X,
      train.y,
      { validation },
    );
    const curve = mlp.fitSummary.epochs ?? [];
    expect(curve.map((point) => point.epoch)).toEqual(
      Array.from({ length: mlp.fitSummary.iterations }, (_, i) => i + 1),
    );
    const lowest = curve.reduce((best, point) =>
      point.validationLoss < best.validationLoss ? point : best,
    );
    expect(lowest.epoch).toBe(mlp.bestEpoch);
    // Without validation there is nothing to draw.
    expect(
      new MlpClassifier({ epochs: 3 }).fit(train.X, train.y).fitSummary.epochs,
    ).toBeUndefined();
  });

  it("does not stop early during its warm-up, when the validation loss first rises", () => {
    // Validation labels opposite to the training labels: the validation loss rises from epoch 1.
    const train = xor(200, 6);
    const flipped = xor(60, 7);
    const validation = { X: flipped.X, y: flipped.y.map((label) => 1 - label) };
    const mlp = new MlpClassifier({ hiddenUnits: 8, maxEpochs: 40, patience: 5 }).fit(
      train.X,
      train.y,
      { validation },
    );
    const curve = (mlp.fitSummary.epochs ?? []).map((point) => point.validationLoss);
    expect(curve[1]).toBeGreaterThan(curve[0] as number);
    // Without the warm-up the fit stopped at epoch 6, patience (5) epochs after epoch 1.
    expect(mlp.fitSummary.iterations).toBe(EARLY_STOP_WARMUP_EPOCHS);
    expect(mlp.bestEpoch).toBe(curve.indexOf(Math.min(...curve)) + 1);
  });

  it("starts from the class prior: one epoch on 120 against 2 does not call the majority the rare class", () => {
    const { X, y } = blobs({ perClass: 200, classes: 2, dim: 2048, separation: 2, seed: 3 });
    const rows = Int32Array.from([...Array(120).keys(), 200, 201]);
    const heldOutMajority = Int32Array.from({ length: 80 }, (_, i) => 120 + i);
    const mlp = new MlpClassifier({ epochs: 1 }).fit(
      selectRows(X, rows),
      Int32Array.from(rows, (i) => y[i] as number),
    );
    const rare = mlp.predictProba(selectRows(X, heldOutMajority));
    const calledRare = Array.from({ length: 80 }, (_, i) => rare.data[2 * i + 1] as number).filter(
      (p) => p > 0.5,
    );
    // With a Glorot output layer and zero biases, the first logits were random: 13 of the 80.
    expect(calledRare).toHaveLength(0);
  });

  it("is deterministic for a seed", () => {
    const train = xor(100, 3);
    const fittedWeights = (seed: number) =>
      new MlpClassifier({ hiddenUnits: 8, epochs: 5, seed }).fit(train.X, train.y).getState().arrays
        .theta;
    expect(fittedWeights(1)).toEqual(fittedWeights(1));
    expect(fittedWeights(1)).not.toEqual(fittedWeights(2));
  });
});

describe("cosine prototype classifier", () => {
  it("classifies by angle from one example per class, ignoring norm", () => {
    const model = new CosinePrototypeClassifier().fit(
      fromRows(
        [
          [1, 0],
          [0, 1],
        ],
        2,
      ),
      Int32Array.of(0, 1),
    );
    expect(
      Array.from(
        model.predict(
          fromRows(
            [
              [10, 1],
              [0.1, 0.3],
              [-1, 5],
            ],
            2,
          ),
        ),
      ),
    ).toEqual([0, 1, 1]);
    expect(Array.from(model.decisionFunction(fromRows([[3, 4]], 2)).data)).toEqual([0.6, 0.8]);
  });
});

describe("logistic regression class weights", () => {
  it('"balanced" weighs each class n / (K n_c), as scikit-learn', () => {
    expect(Array.from(sampleWeightsFor(Int32Array.of(0, 0, 0, 1), 2, "balanced"))).toEqual([
      4 / 6,
      4 / 6,
      4 / 6,
      2,
    ]);
  });

  it("raise the recall of a rare class on overlapping data", () => {
    const { X, y } = blobs({ perClass: 200, classes: 2, dim: 2, separation: 1.5, seed: 4 });
    const keep = Array.from(y.keys()).filter((i) => y[i] === 0 || i % 10 === 0);
    const Xr = selectRows(X, keep);
    const yr = Int32Array.from(keep, (i) => y[i] as number);
    const minorityRecall = (classWeight: "balanced" | null) => {
      const predicted = new LogisticRegression({ classWeight }).fit(Xr, yr).predict(Xr);
      const minority = keep.flatMap((_, r) => (yr[r] === 1 ? [predicted[r]] : []));
      return minority.filter((p) => p === 1).length / minority.length;
    };
    expect(minorityRecall("balanced")).toBeGreaterThan(minorityRecall(null) + 0.2);
  });
});
