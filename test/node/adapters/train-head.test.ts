import { describe, expect, it } from "vitest";
import {
  HEAD_SPECS,
  JOB_STEPS,
  TrainingRun,
  type TrainOptions,
  type TrainProgress,
  trainHead,
  trainingSamplesAllowed,
  trainingStepBudget,
  UNKNOWN_LABEL,
} from "../../../adapters";
import {
  evaluationProtocol,
  trainingFlopsBound,
} from "../../../adapters/protocol/evaluation-protocol";
import { TEMPERATURE_RANGE } from "../../../adapters/protocol/temperature-scaling";
import { blobs, realEmbeddings } from "./helpers";

describe("training protocol", () => {
  it("cross-validates small data, serves a head fitted on every sample, and streams every stage in order", async () => {
    const { backbone, samples } = realEmbeddings();
    const progress: TrainProgress[] = [];
    const duplicated = [...samples, samples[0], samples[1]].filter((s) => s !== undefined);
    const { report } = await trainHead({
      headType: "logistic",
      backbone,
      samples: duplicated,
      options: {
        seed: 3,
        sweep: { cGrid: [0.001, 0.1, 10] },
        hyperparameters: { classWeight: "balanced" },
      },
      onProgress: (p) => {
        progress.push(p);
      },
    });
    expect(report.samples).toMatchObject({
      raw: samples.length + 2,
      afterDedup: samples.length,
      duplicatesRemoved: 2,
      servedHeadTrainedOn: samples.length,
    });
    expect(Object.values(report.samples.perClass).reduce((a, b) => a + b, 0)).toBe(samples.length);
    const { evaluation } = report;
    expect(evaluation.protocol).toMatchObject({ kind: "cross-validation", repeats: 3 });
    // Every sample is held out once per repeat; the metrics block is the first repeat's.
    expect(evaluation.samples).toBe(samples.length);
    expect(evaluation.predictions).toBe(3 * samples.length);
    expect(evaluation.metrics.samples).toBe(samples.length);
    expect(evaluation.metrics.confusionMatrix.matrix.flat().reduce((a, b) => a + b, 0)).toBe(
      samples.length,
    );
    for (const estimate of [evaluation.accuracy, evaluation.macroF1]) {
      expect(estimate.low).toBeLessThanOrEqual(estimate.value);
      expect(estimate.high).toBeGreaterThanOrEqual(estimate.value);
    }
    // Wilson keeps a width at 100 %; a bootstrap of perfect predictions cannot, so only accuracy's is checked.
    expect(evaluation.accuracy.high - evaluation.accuracy.low).toBeGreaterThan(0);
    expect(evaluation.accuracy.method).toMatch(/Wilson/);
    expect(report.hyperparameters.sweep.map((r) => r.hyperparameters.C)).toEqual([0.001, 0.1, 10]);
    // What the request fixed is said apart from what the sweep chose.
    expect(report.hyperparameters.fixed).toEqual({ classWeight: "balanced" });
    expect(report.hyperparameters.chosen).not.toHaveProperty("classWeight");
    // The held-out predictions, one by one, are the confusion matrix's cells and the reliability bins.
    expect(evaluation.perSample).toHaveLength(samples.length);
    const { labels, matrix } = evaluation.metrics.confusionMatrix;
    labels.forEach((trueLabel, row) => {
      labels.forEach((predicted, col) => {
        const inCell = evaluation.perSample.filter(
          (s) => s.label === trueLabel && s.predicted === predicted,
        );
        expect(inCell.length).toBe(matrix[row]?.[col]);
      });
    });
    const { reliability } = evaluation.metrics.expectedCalibrationError;
    expect(reliability.reduce((sum, bin) => sum + bin.count, 0)).toBe(samples.length);
    expect(report.calibration).toMatchObject({
      fittedOn: "out-of-fold",
      samples: 3 * samples.length,
    });
    // Out-of-fold logits of well-separated classes: smoothing keeps T off its lower bound.
    expect(report.calibration.temperature).toBeGreaterThan(1.5 * TEMPERATURE_RANGE.min);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    const stages = progress.map((p) => p.stage).filter((s, i, all) => s !== all[i - 1]);
    expect(stages).toEqual(["validate", "split", "cross-validate", "refit", "evaluate"]);
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
      // Cross-validation (90 samples): the first round's first candidate.
      const match =
        /^round 1\/\d+ [^:]*: candidate 1\/\d+ .*; epoch (\d+) validation loss [\d.]+$/.exec(
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
    expect(report.calibration.logLossAfter).toBeLessThanOrEqual(report.calibration.logLossBefore);
    const abstain = report.abstain;
    expect(abstain?.reachable).toBe(true);
    expect(abstain?.fittedOn).toBe("out-of-fold");
    expect(abstain?.precision).toBeGreaterThanOrEqual(targetPrecision);
    expect(abstain?.coverage).toBeGreaterThan(0);
    expect(abstain?.coverage).toBeLessThan(1);
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
    // A fixed split keeps this MLP check to one sweep (resumable-training.test.ts covers cross-validation).
    const options = { seed: 9, testFraction: 0.2, hyperparameters: { maxEpochs: 15 } };
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
    expect(report.evaluation.protocol).toMatchObject({ kind: "cross-validation", folds: 3 });
    expect(report.samples.servedHeadTrainedOn).toBe(9);
    expect(report.evaluation.accuracy.value).toBeGreaterThan(0.5);
  });

  it("holds out a fixed test split when asked (testFraction), and still serves a head fitted on all samples", async () => {
    const { samples } = blobs({ perClass: 40, classes: 3, dim: 8, separation: 3, seed: 4 });
    const backbone = { id: "blobs", weightsHash: "none", dim: 8 };
    const { head, report } = await trainHead({
      headType: "logistic",
      backbone,
      samples,
      options: { testFraction: 0.25, targetPrecision: 0.9 },
    });
    expect(report.evaluation.protocol).toMatchObject({
      kind: "holdout",
      fractions: { test: 0.25 },
    });
    expect(report.evaluation.samples).toBe(30);
    expect(report.evaluation.predictions).toBe(30);
    expect(report.evaluation.metrics.samples).toBe(30);
    expect(report.calibration.fittedOn).toBe("validation");
    expect(report.abstain?.test).not.toBeNull();
    expect(report.samples.servedHeadTrainedOn).toBe(120);
    expect(head.predict([samples[0]?.features as Float32Array])).toHaveLength(1);
  });

  it("reports testFraction's shares as given: 0.6 / 0.2 / 0.2, not 0.6000000000000001", async () => {
    const { samples } = blobs({ perClass: 20, classes: 2, dim: 4, separation: 3, seed: 2 });
    const { report } = await trainHead({
      headType: "prototype",
      backbone: { id: "blobs", weightsHash: "none", dim: 4 },
      samples,
      options: { testFraction: 0.2 },
    });
    expect(report.evaluation.protocol).toMatchObject({
      fractions: { train: 0.6, validation: 0.2, test: 0.2 },
    });
  });

  it("uses a holdout split on its own once there is enough data", async () => {
    const { samples } = blobs({ perClass: 1000, classes: 2, dim: 4, separation: 3, seed: 6 });
    const { report } = await trainHead({
      headType: "prototype",
      backbone: { id: "blobs", weightsHash: "none", dim: 4 },
      samples,
    });
    expect(report.evaluation.protocol.kind).toBe("holdout");
    expect(report.evaluation.samples).toBe(400);
    expect(report.samples.servedHeadTrainedOn).toBe(2000);
  });
});

const blobBackbone = (dim: number) => ({ id: "blobs", weightsHash: "none", dim });

describe("evaluation protocol", () => {
  const fractions = { train: 0.6, validation: 0.2, test: 0.2 };
  const labels = ["a", "b"];
  const protocolFor = (headType: "logistic" | "mlp", dim: number, options: TrainOptions = {}) =>
    evaluationProtocol([100, 100], options, fractions, {
      spec: HEAD_SPECS[headType],
      labels,
      dim,
    });

  it("repeats the folds where every repeat's fits fit a job's budget", () => {
    expect(protocolFor("logistic", 4096)).toMatchObject({ folds: 5, repeats: 3 });
    expect(protocolFor("mlp", 512)).toMatchObject({ folds: 5, repeats: 3 });
  });

  it("draws the folds once where an MLP's repeated fits could outlast the job (wide embeddings)", () => {
    const wide = protocolFor("mlp", 4096);
    expect(wide).toMatchObject({ kind: "cross-validation", folds: 5, repeats: 1 });
    expect(wide.reason).toMatch(/could take up to \d+ job steps, over the 6000 a job has/);
    // The bound follows the hyperparameters asked for: 10 epochs at most keep the repeats.
    const shortFits = { hyperparameters: { maxEpochs: 10 } };
    expect(protocolFor("mlp", 4096, shortFits)).toMatchObject({ repeats: 3 });
  });

  it("bounds what a whole MLP training spends, and gives it up to that many steps on top of a job's", () => {
    const { samples } = blobs({ perClass: 30, classes: 2, dim: 16, separation: 1, seed: 4 });
    const options = { hyperparameters: { maxEpochs: 30, hiddenUnits: 8 } };
    const run = new TrainingRun({ headType: "mlp", backbone: blobBackbone(16), samples, options });
    const bound = run.flopsBound as number;
    let spent = 0;
    while (!run.done) spent += run.advance(1e5);
    // The fits' worst case holds what they spent (the report's assessment is a small part).
    expect(spent).toBeGreaterThan(0.05 * bound);
    expect(spent).toBeLessThanOrEqual(bound);
    expect(trainingStepBudget(bound, 1e5)).toBe(JOB_STEPS + Math.ceil(bound / 1e5));
    // A worst case past a job's steps adds a job's steps at most: a runaway still ends.
    expect(trainingStepBudget(bound, 1)).toBe(2 * JOB_STEPS);
    // Heads that stop on convergence have no bound, and keep a job's steps.
    const logistic = new TrainingRun({ headType: "logistic", backbone: blobBackbone(16), samples });
    expect(logistic.flopsBound).toBeNull();
    expect(trainingStepBudget(logistic.flopsBound)).toBe(JOB_STEPS);
  });

  it("gives an MLP at the training budget's largest wide pool twice a job's steps", () => {
    const cost = { spec: HEAD_SPECS.mlp, labels, dim: 4096 };
    const samples = trainingSamplesAllowed({ labels: 2, hiddenUnits: 64 }, 4096);
    const protocol = evaluationProtocol([samples / 2, samples / 2], {}, fractions, cost);
    expect(protocol).toMatchObject({ kind: "cross-validation", repeats: 1 });
    const bound = trainingFlopsBound(protocol, cost, {}, samples) as number;
    expect(trainingStepBudget(bound)).toBe(2 * JOB_STEPS);
  });
});
