import { describe, expect, it } from "vitest";
import { TrainingRun, type TrainProgress, trainHead, UNKNOWN_LABEL } from "../../../adapters";
import { TEMPERATURE_RANGE } from "../../../adapters/protocol/temperature-scaling";
import { blobs, realEmbeddings } from "./helpers";

describe("training protocol", () => {
  it("reports counts, sweep, calibration and test metrics, and streams every stage in order", async () => {
    const { backbone, samples } = realEmbeddings();
    const progress: TrainProgress[] = [];
    const duplicated = [...samples, samples[0], samples[1]].filter((s) => s !== undefined);
    const { report } = await trainHead({
      headType: "logistic",
      backbone,
      samples: duplicated,
      options: { seed: 3, sweep: { cGrid: [0.001, 0.1, 10] } },
      onProgress: (p) => {
        progress.push(p);
      },
    });
    expect(report.samples).toMatchObject({
      raw: samples.length + 2,
      afterDedup: samples.length,
      duplicatesRemoved: 2,
    });
    const { train, validation, test } = report.samples.perSplit;
    expect(train + validation + test).toBe(samples.length);
    expect(report.hyperparameters.sweep.map((r) => r.hyperparameters.C)).toEqual([0.001, 0.1, 10]);
    expect(report.test.samples).toBe(test);
    expect(report.test.confusionMatrix.matrix.flat().reduce((a, b) => a + b, 0)).toBe(test);
    // The test samples, one by one, are the confusion matrix's cells and the reliability bins.
    expect(report.testSamples).toHaveLength(test);
    const { labels, matrix } = report.test.confusionMatrix;
    labels.forEach((trueLabel, row) => {
      labels.forEach((predicted, col) => {
        const inCell = report.testSamples.filter(
          (s) => s.label === trueLabel && s.predicted === predicted,
        );
        expect(inCell.length).toBe(matrix[row]?.[col]);
      });
    });
    const { reliability } = report.test.expectedCalibrationError;
    expect(reliability.reduce((sum, bin) => sum + bin.count, 0)).toBe(test);
    // The validation split here is classified perfectly; smoothing keeps T off its lower bound.
    expect(report.calibration.temperature).toBeGreaterThan(1.5 * TEMPERATURE_RANGE.min);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    const stages = progress.map((p) => p.stage).filter((s, i, all) => s !== all[i - 1]);
    expect(stages).toEqual(["validate", "split", "sweep", "calibrate", "refit", "evaluate"]);
    expect(progress.map((p) => p.fraction)).toEqual(
      [...progress.map((p) => p.fraction)].sort((a, b) => a - b),
    );
  });

  it("an MLP reports each sweep candidate's epochs and validation loss in its progress", () => {
    const { samples } = blobs({ perClass: 30, classes: 3, dim: 8, separation: 3, seed: 5 });
    const run = new TrainingRun({
      headType: "mlp",
      backbone: { id: "blobs", weightsHash: "none", dim: 8 },
      samples,
    });
    const epochs: number[] = [];
    // Small steps, so that the progress between them shows epoch after epoch.
    while (!run.done) {
      const match = /^candidate 1\/\d+ .*; epoch (\d+) validation loss [\d.]+$/.exec(
        run.progress.message ?? "",
      );
      if (match) epochs.push(Number(match[1]));
      run.advance(20_000);
    }
    expect(epochs.length).toBeGreaterThan(1);
    expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
  });

  it("chooses an abstain threshold that reaches the target precision on validation", async () => {
    // Overlapping classes, so the head is unsure about many samples.
    const { samples } = blobs({ perClass: 80, classes: 3, dim: 8, separation: 2.5, seed: 11 });
    const backbone = { id: "blobs", weightsHash: "none", dim: 8 };
    const targetPrecision = 0.95;
    const { head, report } = await trainHead({
      headType: "logistic",
      backbone,
      samples,
      options: { targetPrecision },
    });
    // Overlapping classes: calibration must not make the validation log loss worse.
    expect(report.calibration.validationLogLossAfter).toBeLessThanOrEqual(
      report.calibration.validationLogLossBefore,
    );
    const abstain = report.abstain;
    expect(abstain?.reachable).toBe(true);
    expect(abstain?.validationPrecision).toBeGreaterThanOrEqual(targetPrecision);
    expect(abstain?.validationCoverage).toBeGreaterThan(0);
    expect(abstain?.validationCoverage).toBeLessThan(1);
    const predictions = head.predict(samples.map((s) => s.features));
    const abstained = predictions.filter((p) => p.abstained);
    expect(abstained.length).toBeGreaterThan(0);
    for (const p of abstained) {
      expect(p.label).toBe(UNKNOWN_LABEL);
      expect(p.topK[0]?.probability).toBeLessThan(abstain?.threshold ?? 0);
    }
    expect(
      head
        .predict(
          samples.map((s) => s.features),
          { abstain: false },
        )
        .some((p) => p.abstained),
    ).toBe(false);
  });

  it("gives the same head for the same seed", async () => {
    const { backbone, samples } = realEmbeddings();
    const options = { seed: 9, hyperparameters: { maxEpochs: 15 } };
    const first = await trainHead({ headType: "mlp", backbone, samples, options });
    const second = await trainHead({ headType: "mlp", backbone, samples, options });
    expect(second.head.serialize()).toEqual(first.head.serialize());
  });

  it("prototype heads work from a handful of examples per class", async () => {
    const { backbone, samples } = realEmbeddings();
    const fewPerClass = ["sports", "cooking", "finance"].flatMap((label) =>
      samples.filter((s) => s.label === label).slice(0, 3),
    );
    const { report } = await trainHead({ headType: "prototype", backbone, samples: fewPerClass });
    expect(report.samples.perSplit).toEqual({ train: 3, validation: 3, test: 3 });
    expect(report.test.accuracy).toBeGreaterThan(0.5);
  });
});
