import { describe, expect, it } from "vitest";
import { HeadInputError, trainHead } from "../../../adapters";
import { fromRows } from "../../../adapters/linalg/matrix";
import { fitScaler, SCALE_FLOOR } from "../../../adapters/preprocessing/block-scaling";
import { blobs } from "./helpers";

/** Sum over a block's columns of their variance after the transform. */
function blockVariance(
  X: { rows: number; cols: number; data: Float64Array },
  from: number,
  to: number,
) {
  let total = 0;
  for (let j = from; j < to; j++) {
    let mean = 0;
    for (let i = 0; i < X.rows; i++) mean += X.data[i * X.cols + j] as number;
    mean /= X.rows;
    for (let i = 0; i < X.rows; i++) total += ((X.data[i * X.cols + j] as number) - mean) ** 2;
  }
  return total / X.rows;
}

describe("fused embeddings: per-block scaling", () => {
  const { samples } = blobs({ perClass: 30, classes: 2, dim: 8, separation: 2, seed: 2 });
  const X = fromRows(
    samples.map((s) => s.features),
    8,
  );

  it("gives every block the same share of the variance, and the whole the plain total", () => {
    const scaled = fitScaler(X, true, [2, 6]).transform(X);
    expect(blockVariance(scaled, 0, 2)).toBeCloseTo(4, 9);
    expect(blockVariance(scaled, 2, 8)).toBeCloseTo(4, 9);
    const plain = fitScaler(X, true).transform(X);
    expect(blockVariance(plain, 0, 2)).toBeCloseTo(2, 9);
    expect(blockVariance(plain, 2, 8)).toBeCloseTo(6, 9);
  });

  it("refuses blocks that do not add up to the embedding", () => {
    expect(() => fitScaler(X, true, [2, 5])).toThrow(HeadInputError);
  });

  it("trains and predicts on a fusion: the stored head carries the balance", async () => {
    const backbone = { id: "a+b", weightsHash: "none", dim: 8, blocks: [2, 6] };
    const { head, report } = await trainHead({ headType: "logistic", backbone, samples });
    expect(report.backbone.blocks).toEqual([2, 6]);
    const predictions = head.predict(samples.map((s) => s.features));
    const correct = predictions.filter((p, i) => p.label === samples[i]?.label).length;
    expect(correct / samples.length).toBeGreaterThan(0.8);
  });
});

describe("the scaler's floor", () => {
  // Columns: spreads 1, 2, 3, 4, a near-dead 1e-6 (median of the varying five: 2), a constant.
  const rows = [-1, 1].flatMap((sign) =>
    [0, 1].map(() => [sign, 2 * sign, 3 * sign, 4 * sign, 1e-6 * sign, 7]),
  );
  const X = fromRows(rows, 6);

  it("scales no feature up past SCALE_FLOOR × the median spread, and leaves the others", () => {
    const { scale } = fitScaler(X, true);
    expect(Array.from(scale)).toEqual([1, 2, 3, 4, SCALE_FLOOR * 2, 1]);
  });

  it("takes each fusion block's own median", () => {
    const { scale } = fitScaler(X, true, [2, 4]);
    const first = Math.sqrt((2 * 2) / 6);
    const second = Math.sqrt((2 * 4) / 6);
    // Block 2's varying spreads are 3, 4 and 1e-6: median 3.
    const expected = [1, 2, 3, 4, SCALE_FLOOR * 3, 1].map((s, j) => s * (j < 2 ? first : second));
    Array.from(scale).forEach((s, j) => {
      expect(s).toBeCloseTo(expected[j] as number, 12);
    });
  });

  it("leaves a centring-only scaler alone", () => {
    expect(Array.from(fitScaler(X, false).scale)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
