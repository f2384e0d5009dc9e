import { describe, expect, it } from "vitest";
import { fromRows } from "../../../adapters/linalg/matrix";
import {
  classificationMetrics,
  expectedCalibrationError,
  logLoss,
  reliabilityBins,
} from "../../../adapters/metrics";

describe("metrics", () => {
  const probabilities = fromRows(
    [
      [0.9, 0.1],
      [0.6, 0.4],
      [0.3, 0.7],
      [0.2, 0.8],
    ],
    2,
  );
  const y = Int32Array.of(0, 1, 1, 0);

  it("counts the confusion matrix with rows = true class and derives precision, recall, F1", () => {
    const m = classificationMetrics(probabilities, y, ["a", "b"]);
    expect(m.confusionMatrix).toEqual({
      labels: ["a", "b"],
      matrix: [
        [1, 1],
        [1, 1],
      ],
    });
    expect(m.accuracy).toBe(0.5);
    expect(m.perClass.map((c) => [c.precision, c.recall, c.f1, c.support])).toEqual([
      [0.5, 0.5, 0.5, 2],
      [0.5, 0.5, 0.5, 2],
    ]);
    expect(m.macro.f1).toBe(0.5);
  });

  it("log loss is the mean -log p(true class)", () => {
    expect(logLoss(probabilities, y)).toBeCloseTo(
      -(Math.log(0.9) + Math.log(0.4) + Math.log(0.7) + Math.log(0.2)) / 4,
      12,
    );
  });

  it("ECE weighs |accuracy - confidence| per bin by the bin's share", () => {
    // Confidences 0.9 (right), 0.6 (wrong), 0.7 (right), 0.8 (wrong), each alone in its 15-bin slot.
    expect(expectedCalibrationError(probabilities, y)).toBeCloseTo((0.1 + 0.6 + 0.3 + 0.8) / 4, 12);
  });

  it("reliability bins hold each prediction's top probability and whether it was right", () => {
    const bins = reliabilityBins(probabilities, y, 5);
    expect(bins.map((b) => b.count)).toEqual([0, 0, 1, 2, 1]);
    expect(bins[3]).toMatchObject({ lower: 0.6, upper: 0.8, accuracy: 0.5 });
    expect(bins[3]?.confidence).toBeCloseTo(0.75, 12);
    expect(bins[0]).toMatchObject({ count: 0, accuracy: 0, confidence: 0 });
    const metrics = classificationMetrics(probabilities, y, ["a", "b"]);
    expect(metrics.expectedCalibrationError.reliability).toHaveLength(15);
    expect(metrics.expectedCalibrationError.value).toBeCloseTo(
      expectedCalibrationError(probabilities, y),
      12,
    );
  });
});
