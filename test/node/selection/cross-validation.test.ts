import { describe, expect, it } from "vitest";
import { HeadInputError } from "../../../adapters/errors";
import { selectRows } from "../../../adapters/linalg/matrix";
import { CosinePrototypeClassifier } from "../../../adapters/prototype";
import { crossValidateHead, foldsFor } from "../../../adapters/selection/cross-validate";
import { foldStatistic } from "../../../adapters/selection/fold-statistics";
import { prototypeLeaveOneOutAccuracy } from "../../../adapters/selection/prototype-leave-one-out";
import { stratifiedKFold } from "../../../adapters/selection/stratified-k-fold";
import { blobs } from "../adapters/helpers";

const backbone = (dim: number) => ({ id: "test", weightsHash: "0".repeat(64), dim });

describe("stratified k-fold", () => {
  it("puts every class in every fold, balances fold sizes and is reproducible", () => {
    const y = Int32Array.from([...Array(7).fill(0), ...Array(5).fill(1), ...Array(11).fill(2)]);
    const folds = stratifiedKFold(y, 3, 5, 42);
    expect(stratifiedKFold(y, 3, 5, 42)).toEqual(folds);
    expect(stratifiedKFold(y, 3, 5, 43)).not.toEqual(folds);
    const sizes = [0, 1, 2, 3, 4].map((f) => folds.filter((g) => g === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (let f = 0; f < 5; f++) {
      for (let c = 0; c < 3; c++) {
        expect(y.some((label, i) => label === c && folds[i] === f)).toBe(true);
      }
    }
  });

  it("uses no more folds than the smallest class has members, and at least 3", () => {
    expect(foldsFor([10, 20])).toBe(5);
    expect(foldsFor([4, 20])).toBe(4);
    expect(foldsFor([3, 3], 10)).toBe(3);
  });
});

describe("cross-validation of the logistic head", () => {
  it("scores separable blobs near 1 and noise near chance, with one score per fold", async () => {
    const separable = blobs({ perClass: 12, classes: 3, dim: 6, separation: 8, seed: 1 });
    const labels = ["a", "b", "c"];
    const good = await crossValidateHead({
      headType: "logistic",
      backbone: backbone(6),
      X: separable.X,
      y: separable.y,
      labels,
    });
    expect({ folds: good.folds, repeats: good.repeats }).toEqual({ folds: 5, repeats: 3 });
    expect(good.perFold).toHaveLength(15);
    expect(good.macroF1.mean).toBeGreaterThan(0.95);
    expect(good.macroF1).toEqual(
      foldStatistic(
        good.perFold.map((f) => f.macroF1),
        5,
      ),
    );

    const noise = blobs({ perClass: 12, classes: 3, dim: 6, separation: 0, seed: 1 });
    const bad = await crossValidateHead({
      headType: "logistic",
      backbone: backbone(6),
      X: noise.X,
      y: noise.y,
      labels,
    });
    expect(bad.accuracy.mean).toBeLessThan(0.6);
  });

  it("repeats with fresh folds: its first repeat is the single-repeat run with the same seed", async () => {
    const { X, y } = blobs({ perClass: 6, classes: 2, dim: 4, separation: 1, seed: 3 });
    const common = {
      headType: "logistic" as const,
      backbone: backbone(4),
      X,
      y,
      labels: ["a", "b"],
    };
    const once = await crossValidateHead({ ...common, repeats: 1, seed: 7 });
    const thrice = await crossValidateHead({ ...common, repeats: 3, seed: 7 });
    expect(thrice.perFold.slice(0, 5)).toEqual(once.perFold);
    const second = await crossValidateHead({ ...common, repeats: 1, seed: 8 });
    expect(thrice.perFold.slice(5, 10)).toEqual(second.perFold);
  });

  it("refuses a class with fewer than 3 samples, naming the minimum", async () => {
    const { X } = blobs({ perClass: 3, classes: 2, dim: 4, separation: 4, seed: 2 });
    const y = Int32Array.from([0, 0, 0, 0, 1, 1]);
    const run = crossValidateHead({
      headType: "logistic",
      backbone: backbone(4),
      X,
      y,
      labels: ["a", "b"],
    });
    await expect(run).rejects.toThrow(HeadInputError);
    await expect(run).rejects.toThrow(/at least 3/);
  });
});

describe("fold statistics", () => {
  it("is the mean and Nadeau & Bengio's corrected standard error", () => {
    // Three folds once: s = 0.1, J = 3, n_test/n_train = 1/2 → SE = √((1/3 + 1/2) · 0.01).
    const { mean, standardError } = foldStatistic([0.8, 0.9, 1.0], 3);
    expect(mean).toBeCloseTo(0.9, 12);
    expect(standardError).toBeCloseTo(Math.sqrt((1 / 3 + 1 / 2) * 0.01), 12);
    // Repeating the same scores does not shrink it below the overlap term √(s²/(k−1)).
    const repeated = foldStatistic([0.8, 0.9, 1.0, 0.8, 0.9, 1.0, 0.8, 0.9, 1.0], 3);
    expect(repeated.standardError).toBeGreaterThan(Math.sqrt(0.0075 / 2));
    expect(foldStatistic([0.7], 3)).toEqual({ mean: 0.7, standardError: 0 });
  });
});

describe("nearest-prototype leave-one-out accuracy", () => {
  it("equals refitting CosinePrototypeClassifier without each sample", () => {
    const { X, y } = blobs({ perClass: 8, classes: 3, dim: 5, separation: 1.5, seed: 9 });
    let correct = 0;
    for (let i = 0; i < X.rows; i++) {
      const others = Int32Array.from({ length: X.rows - 1 }, (_, r) => (r < i ? r : r + 1));
      const model = new CosinePrototypeClassifier().fit(
        selectRows(X, others),
        Int32Array.from(others, (r) => y[r] as number),
        { classCount: 3 },
      );
      if (model.predict(selectRows(X, [i]))[0] === y[i]) correct++;
    }
    const fast = prototypeLeaveOneOutAccuracy(X, y, 3);
    expect(fast).toBe(correct / X.rows);
    expect(fast).toBeGreaterThan(0.4);
    expect(fast).toBeLessThan(1);
  });
});
