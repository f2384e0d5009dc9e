/**
 * The finetune head's math (issue 12) on a small synthetic feature map: gradients against finite
 * differences, epoch 0 is the frozen head, finetuning learns what a poor top misses, a fit
 * resumed from checkpoints ends with the same weights as one that never stopped, and selection's
 * cross-validation of it pairs with the frozen head's folds.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  decodeActivationsInto,
  encodeActivations,
  encodedActivationBytes,
} from "../../../adapters/finetune/activation-codec";
import { memorySource } from "../../../adapters/finetune/activation-source";
import { beatsFrozen } from "../../../adapters/finetune/beats-frozen";
import { FINETUNE_DEFAULTS, FinetuneFit } from "../../../adapters/finetune/finetune-fit";
import { decodeFinetuneHead } from "../../../adapters/finetune/finetune-head";
import {
  type FinetuneResult,
  FinetuneRun,
  type FinetuneRunCheckpoint,
} from "../../../adapters/finetune/finetune-run";
import {
  FinetuneTrainingRun,
  type FinetuneTrainingRunCheckpoint,
} from "../../../adapters/finetune/finetune-training-run";
import {
  flooredScaling,
  type PretrainedTop,
  startingModel,
} from "../../../adapters/finetune/start";
import { topEmbeddings, topLogits } from "../../../adapters/finetune/top-model";
import { TopActivations } from "../../../adapters/finetune/top-network";
import { runToEnd } from "../../../adapters/fit-process";
import { useGemmKernel } from "../../../adapters/linalg/gemm";
import { JS_GEMM } from "../../../adapters/linalg/js-gemm";
import { fromRows } from "../../../adapters/linalg/matrix";
import { softmaxWithTemperature } from "../../../adapters/linalg/softmax";
import { LogisticRegression } from "../../../adapters/logistic/logistic-regression";
import { logLoss } from "../../../adapters/metrics/log-loss";
import { StandardScaler } from "../../../adapters/preprocessing/standard-scaler";
import { STEP_FLOPS } from "../../../adapters/protocol/step-budget";
import { stratifiedSplit } from "../../../adapters/protocol/stratified-split";
import { trainHead } from "../../../adapters/protocol/train-head";
import { DEFAULT_FRACTIONS } from "../../../adapters/protocol/validate-options";
import { SeededRandom } from "../../../adapters/random";
import {
  CrossValidationRun,
  type FinetuneCrossValidationCheckpoint,
  FinetuneCrossValidationRun,
  type FinetuneRound,
} from "../../../adapters/selection";
import {
  decodeCheckpoint,
  encodeCheckpoint,
} from "../../../adapters/serialization/checkpoint-codec";
import { nodeGemmKernel } from "../../../src/runtime/gemm/node-gemm";

const POSITIONS = 4;
const CHANNELS = 6;
const OUT = 8;
const CLASSES = 3;

function gaussians(seed: number) {
  const random = new SeededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/**
 * Feature maps whose class shows in one channel pattern at every position, and a pretrained top
 * that mostly looks elsewhere: the frozen embedding carries little of the class, so a finetune has
 * something to gain. The patterns are close enough (half a noise's deviation per channel) that the
 * frozen head gets some validation samples wrong: a finetune must beat it clearly to be chosen.
 */
function syntheticTask(perClass: number, seed: number, separation = 0.5) {
  const gaussian = gaussians(seed);
  const patterns = Array.from({ length: CLASSES }, () =>
    Array.from({ length: CHANNELS }, () => separation * gaussian()),
  );
  const samples: Float64Array[] = [];
  const labels: number[] = [];
  for (let k = 0; k < CLASSES; k++) {
    for (let i = 0; i < perClass; i++) {
      const map = new Float64Array(POSITIONS * CHANNELS);
      for (let p = 0; p < POSITIONS; p++) {
        for (let c = 0; c < CHANNELS; c++) {
          map[p * CHANNELS + c] = ((patterns[k] as number[])[c] as number) + gaussian();
        }
      }
      samples.push(map);
      labels.push(k);
    }
  }
  const kernel = Float64Array.from({ length: OUT * CHANNELS }, () => 0.3 * gaussian());
  const bias = Float64Array.from({ length: OUT }, () => 1 + 0.1 * gaussian());
  const top: PretrainedTop = {
    positions: POSITIONS,
    inChannels: CHANNELS,
    outChannels: OUT,
    kernel,
    bias,
  };
  return { samples, y: Int32Array.from(labels), top };
}

/** Every third sample to validation, the rest to train. */
function split(count: number) {
  const train: number[] = [];
  const validation: number[] = [];
  for (let i = 0; i < count; i++) (i % 3 === 0 ? validation : train).push(i);
  return { train: Int32Array.from(train), validation: Int32Array.from(validation) };
}

/** The frozen head on the pretrained top's embeddings: scaler + logistic fitted on train. */
/** The frozen start of a 12-per-class task, and a fit of it with `params` run in one go. */
function fitInOneRun(params: typeof FINETUNE_DEFAULTS) {
  const { model, data } = frozenStart(syntheticTask(12, 5));
  const straight = new FinetuneFit(model, data, params);
  runToEnd(straight);
  return { model, data, straight };
}

function frozenStart(task: ReturnType<typeof syntheticTask>) {
  const source = memorySource(task.samples, POSITIONS * CHANNELS);
  const identity = startingModel(
    task.top,
    new StandardScaler().fit({ rows: 1, cols: OUT, data: new Float64Array(OUT) }),
    new LogisticRegression().fit(
      { rows: 2, cols: OUT, data: new Float64Array(2 * OUT).fill(1, 0, OUT) },
      Int32Array.from([0, 1]),
      { classCount: CLASSES },
    ),
    CLASSES,
  );
  const parts = split(task.samples.length);
  const embeddings = topEmbeddings(identity, source, parts.train);
  const scaler = new StandardScaler().fit(embeddings);
  const trainY = Int32Array.from(parts.train, (i) => task.y[i] as number);
  const logistic = new LogisticRegression({ C: 1 }).fit(scaler.transform(embeddings), trainY, {
    classCount: CLASSES,
  });
  const model = startingModel(task.top, scaler, logistic, CLASSES);
  const data = {
    source,
    train: { indices: parts.train, y: trainY },
    validation: {
      indices: parts.validation,
      y: Int32Array.from(parts.validation, (i) => task.y[i] as number),
    },
  };
  return { model, scaler, logistic, data, source };
}

function meanCrossEntropy(logits: Float64Array, labels: Int32Array, rows: number): number {
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const row = logits.subarray(i * CLASSES, (i + 1) * CLASSES);
    const max = Math.max(...row);
    const lse = max + Math.log(row.reduce((sum, z) => sum + Math.exp(z - max), 0));
    total += lse - (row[labels[i] as number] as number);
  }
  return total / rows;
}

// The network's products under both matrix kernels: the plain JS default and the hosts' WebAssembly SIMD one.
describe.each([JS_GEMM, await nodeGemmKernel()])("finetune network, $name kernel", (kernel) => {
  beforeAll(() => useGemmKernel(kernel));
  afterAll(() => useGemmKernel(JS_GEMM));

  it("has gradients that match central finite differences", () => {
    const task = syntheticTask(3, 7);
    const { model } = frozenStart(task);
    // Five samples: more than one chunk of the convolution (4 samples).
    const source = memorySource(task.samples, POSITIONS * CHANNELS);
    const indices = Int32Array.of(0, 2, 4, 6, 8);
    const rows = indices.length;
    const labels = Int32Array.from([0, 0, 1, 2, 2]);
    const network = new TopActivations(model.layout, rows);
    const loss = (theta: Float64Array) => {
      network.forward(theta, model.scaling, source, indices);
      return meanCrossEntropy(network.logits, labels, rows);
    };
    const theta = Float64Array.from(model.theta);
    const grad = new Float64Array(model.layout.size);
    network.forward(theta, model.scaling, source, indices);
    const reported = network.backward(theta, model.scaling, source, indices, labels, grad);
    expect(reported).toBeCloseTo(loss(theta), 12);

    const h = 1e-6;
    let worst = 0;
    for (let j = 0; j < theta.length; j++) {
      const saved = theta[j] as number;
      theta[j] = saved + h;
      const up = loss(theta);
      theta[j] = saved - h;
      const down = loss(theta);
      theta[j] = saved;
      const numeric = (up - down) / (2 * h);
      worst = Math.max(
        worst,
        Math.abs(numeric - (grad[j] as number)) / Math.max(1e-3, Math.abs(numeric)),
      );
    }
    expect(worst).toBeLessThan(1e-4);
    // The top's kernel does get a gradient (not all ReLU6 units are saturated or off).
    const topGrad = grad.subarray(model.layout.topKernel, model.layout.topBias);
    expect(topGrad.some((g) => Math.abs(g) > 1e-6)).toBe(true);
  });

  it("adds up a minibatch's gradient over its slices as in one piece", () => {
    const task = syntheticTask(3, 7);
    const { model } = frozenStart(task);
    const source = memorySource(task.samples, POSITIONS * CHANNELS);
    const indices = Int32Array.of(0, 2, 4, 6, 8, 1, 3);
    const labels = Int32Array.from(indices, (i) => task.y[i] as number);
    const whole = new Float64Array(model.layout.size);
    const network = new TopActivations(model.layout, indices.length);
    network.forward(model.theta, model.scaling, source, indices);
    network.backward(model.theta, model.scaling, source, indices, labels, whole);
    const sliced = new Float64Array(model.layout.size);
    const slice = new TopActivations(model.layout, 4);
    for (const [from, to] of [
      [0, 4],
      [4, 7],
    ]) {
      const part = indices.subarray(from, to);
      slice.forward(model.theta, model.scaling, source, part);
      slice.backward(
        model.theta,
        model.scaling,
        source,
        part,
        labels.subarray(from, to),
        sliced,
        7,
      );
    }
    const worst = Math.max(...whole.map((g, j) => Math.abs(g - (sliced[j] as number))));
    expect(worst).toBeLessThan(1e-12);
    expect(whole.some((g) => Math.abs(g) > 1e-6)).toBe(true);
  });

  it("before any step, predicts exactly like the frozen head (scaler + logistic on the embeddings)", () => {
    const task = syntheticTask(10, 3);
    const { model, scaler, logistic, data, source } = frozenStart(task);
    const all = Int32Array.from(task.samples, (_, i) => i);
    const frozen = logistic.decisionFunction(scaler.transform(topEmbeddings(model, source, all)));
    const tuned = topLogits(model, source, all);
    for (let i = 0; i < frozen.data.length; i++) {
      expect(tuned.data[i]).toBeCloseTo(frozen.data[i] as number, 10);
    }
    // A fit whose epoch 0 is never beaten has no weights of its own: the start's are the result.
    const fit = new FinetuneFit(model, data, { ...FINETUNE_DEFAULTS, maxEpochs: 0 });
    runToEnd(fit);
    expect(fit.outcome.bestEpoch).toBe(0);
    expect(fit.outcome.theta).toBeNull();
    expect(fit.outcome.history[0]?.validationLoss).toBeCloseTo(
      meanCrossEntropy(
        topLogits(model, source, data.validation.indices).data,
        data.validation.y,
        data.validation.y.length,
      ),
      12,
    );
  });

  it("learns what a poor pretrained top misses: validation loss falls below the frozen head's", () => {
    const task = syntheticTask(40, 11);
    const { model, data } = frozenStart(task);
    const fit = new FinetuneFit(model, data, {
      ...FINETUNE_DEFAULTS,
      topLearningRate: 3e-3,
      classifierLearningRate: 1e-2,
      maxEpochs: 15,
      seed: 4,
    });
    runToEnd(fit);
    const { history, bestEpoch } = fit.outcome;
    const frozen = history[0];
    const best = history.find((record) => record.epoch === bestEpoch);
    expect(bestEpoch).toBeGreaterThan(0);
    expect(best?.validationLoss).toBeLessThan(0.8 * (frozen?.validationLoss ?? 0));
    expect(best?.validationAccuracy).toBeGreaterThanOrEqual(frozen?.validationAccuracy ?? 1);
    // The top moved, so the gain is not the classifier's alone.
    const moved = fit.outcome.theta
      ?.subarray(model.layout.topKernel, model.layout.topBias)
      .some((w, j) => Math.abs(w - (model.theta[j] as number)) > 1e-3);
    expect(moved).toBe(true);
  });

  it("works a slice of a minibatch at a time, and resumed in the middle of one ends as in one run", () => {
    // Minibatches of 10: slices of 4, 4 and 2 samples.
    const params = { ...FINETUNE_DEFAULTS, batchSize: 10, maxEpochs: 3, patience: 10, seed: 4 };
    const { model, data, straight } = fitInOneRun(params);
    const slice = 2 * 4 * (2 * (POSITIONS * CHANNELS * OUT + OUT * CLASSES));
    let fit = new FinetuneFit(model, data, params);
    let midBatch = 0;
    while (!fit.done) {
      // The smallest step: one unit, never more than a slice of 4 samples' work.
      expect(fit.advance(1)).toBeLessThanOrEqual(slice);
      const checkpoint = fit.checkpoint();
      if (checkpoint.weights.batchGrad) midBatch++;
      fit = new FinetuneFit(model, data, params, decodeCheckpoint(encodeCheckpoint(checkpoint)));
    }
    expect(midBatch).toBeGreaterThan(5);
    expect(fit.outcome).toEqual(straight.outcome);
  });

  it("resumed from an encoded checkpoint after every step, ends with the same weights (seeded)", () => {
    const params = { ...FINETUNE_DEFAULTS, batchSize: 4, maxEpochs: 4, patience: 10, seed: 9 };
    const { model, data, straight } = fitInOneRun(params);

    const stepFlops = 3 * 2 * 2 * (POSITIONS * CHANNELS * OUT);
    let fit = new FinetuneFit(model, data, params);
    // Before its first step a fit's state is the start's weights: no float32 copy, no moments yet.
    expect(Object.keys(fit.checkpoint().weights)).toEqual([]);
    let steps = 0;
    while (!fit.done) {
      fit.advance(stepFlops);
      steps++;
      fit = new FinetuneFit(
        model,
        data,
        params,
        decodeCheckpoint(encodeCheckpoint(fit.checkpoint())),
      );
    }
    expect(steps).toBeGreaterThan(20);
    // Weights, best weights and Adam's moments are stored as float32: 4 bytes each, not 8.
    const checkpoint = straight.checkpoint();
    const weights = Object.values(checkpoint.weights);
    expect(weights.map((array) => array.length).reduce((a, b) => a + b)).toBe(
      4 * model.layout.size,
    );
    const asDoubles = {
      ...checkpoint,
      weights: Object.fromEntries(
        Object.entries(checkpoint.weights).map(([name, array]) => [name, Float64Array.from(array)]),
      ),
    };
    const saved = encodeCheckpoint(asDoubles).length - encodeCheckpoint(checkpoint).length;
    // Up to the float64 body's alignment to 8 bytes.
    expect(Math.abs(saved - 4 * 4 * model.layout.size)).toBeLessThanOrEqual(8);
    expect(fit.outcome.bestEpoch).toBe(straight.outcome.bestEpoch);
    expect(fit.outcome.history).toEqual(straight.outcome.history);
    expect(fit.outcome.theta).toEqual(straight.outcome.theta);
    expect(fit.outcome.theta).not.toEqual(model.theta);
  });
});

/** The task as the protocol takes it: frozen embeddings as samples, cut activations as the source. */
function runInput(task: ReturnType<typeof syntheticTask>, options: object) {
  const source = memorySource(task.samples, POSITIONS * CHANNELS);
  const { model } = frozenStart(task);
  const all = Int32Array.from(task.samples, (_, i) => i);
  const embeddings = topEmbeddings(model, source, all);
  const samples = task.samples.map((_, i) => ({
    features: Float32Array.from(embeddings.data.subarray(i * OUT, (i + 1) * OUT)),
    label: `class-${task.y[i]}`,
    hash: `sample-${i}`,
  }));
  return {
    backbone: { id: "synthetic", weightsHash: "none", dim: OUT },
    top: task.top,
    samples,
    source,
    options,
  };
}

describe("finetune protocol", () => {
  const options = {
    seed: 2,
    hyperparameters: { learningRateGrid: [3e-3], l2spGrid: [0.01, 1], maxEpochs: 8 },
  };

  it("beats the frozen head on validation when the top misses the class, and reports on test", () => {
    const run = new FinetuneRun(runInput(syntheticTask(50, 6), options));
    while (!run.done) run.advance(STEP_FLOPS);
    const result = run.result();
    if (result.kind !== "finetune") throw new Error("expected a finetune head");
    const { report } = result;
    expect(report.finetune.candidates).toHaveLength(2);
    expect(report.finetune.chosen).not.toBe("frozen");
    expect(report.finetune.candidates[0]?.epochs[0]?.epoch).toBe(0);
    // What the top had to beat: the frozen head's own validation predictions, whose mean loss is
    // the frozen validation row's.
    const task = syntheticTask(50, 6);
    const split = stratifiedSplit(task.y, CLASSES, DEFAULT_FRACTIONS, options.seed);
    const y = Int32Array.from(split.validation, (i) => task.y[i] as number);
    const frozen = run.checkpoint().frozen;
    const logits = {
      rows: y.length,
      cols: CLASSES,
      data: frozen?.validationLogits ?? new Float64Array(),
    };
    expect(logLoss(softmaxWithTemperature(logits, 1), y)).toBeCloseTo(
      report.finetune.frozenValidation.validationLogLoss,
      12,
    );
    const { evaluation, calibration, samples } = report;
    expect(evaluation.protocol.kind).toBe("holdout");
    expect(evaluation.samples).toBe(30);
    expect(evaluation.metrics.samples).toBe(30);
    expect(evaluation.perSample).toHaveLength(30);
    expect(evaluation.accuracy.value).toBeGreaterThan(0.8);
    expect(evaluation.accuracy.low).toBeLessThan(evaluation.accuracy.value);
    expect(evaluation.accuracy.method).toMatch(/Wilson/);
    expect(evaluation.macroF1.method).toMatch(/bootstrap/);
    expect(calibration.fittedOn).toBe("validation");
    expect(calibration.samples).toBe(30);
    expect(calibration.temperature).toBeGreaterThan(0);
    // The finetune head is trained on the train split only: validation stops it.
    expect(samples.servedHeadTrainedOn).toBe(90);
    expect(report.serializedBytes).toBe(result.head.serialize().length);
  });

  it("falls back to the frozen head when no candidate trains past epoch 0", () => {
    const run = new FinetuneRun(
      runInput(syntheticTask(50, 3), {
        ...options,
        hyperparameters: { ...options.hyperparameters, maxEpochs: 0 },
      }),
    );
    while (!run.done) run.advance(STEP_FLOPS);
    const result = run.result();
    expect(result.kind).toBe("frozen");
    expect(result.report.headType).toBe("logistic");
    expect(result.report.finetune.chosen).toBe("frozen");
    expect(result.report.finetune.candidates).toHaveLength(2);
    expect(result.report.finetune.note).toBeUndefined();
    // The frozen fallback's report: a holdout FitRun's, its head refitted on train + validation.
    expect(result.report.evaluation.samples).toBe(30);
    expect(result.report.samples.servedHeadTrainedOn).toBe(120);
    expect(result.report.serializedBytes).toBe(result.frozenHead.length);
  });

  it("keeps the frozen head when the top's lower validation loss is within its noise", () => {
    // Patterns 1.5 deviations apart: the frozen head is right on every validation sample already,
    // and the top's lower mean loss comes from a few samples.
    const run = new FinetuneRun(runInput(syntheticTask(50, 7, 1.5), options));
    while (!run.done) run.advance(STEP_FLOPS);
    const { report } = run.result();
    const { frozenValidation, candidates, chosen } = report.finetune;
    expect(frozenValidation.validationAccuracy).toBe(1);
    expect(candidates[0]?.hyperparameters.epochs).toBeGreaterThan(0);
    expect(candidates[0]?.validationLogLoss).toBeLessThan(0.5 * frozenValidation.validationLogLoss);
    expect(chosen).toBe("frozen");
    expect(report.headType).toBe("logistic");
  });

  it("trains no top when validation holds under 10 samples of a label, and says why", () => {
    // 40 per class: a validation split of 8 per class, where the top that learns what the frozen
    // head misses (the test above, at 50 per class) would otherwise be chosen.
    const run = new FinetuneRun(runInput(syntheticTask(40, 11), options));
    while (!run.done) run.advance(STEP_FLOPS);
    const result = run.result();
    expect(result.kind).toBe("frozen");
    expect(result.report.finetune).toMatchObject({ chosen: "frozen", candidates: [] });
    expect(result.report.finetune.note).toMatch(/fewer than 10 samples of some label/);
    expect(result.report.serializedBytes).toBe(result.frozenHead.length);
  });

  it("resumed from an encoded checkpoint after every step, gives the same result", () => {
    const input = runInput(syntheticTask(50, 8), options);
    const straight = new FinetuneRun(input);
    while (!straight.done) straight.advance(2e4);
    let run = new FinetuneRun(input);
    let steps = 0;
    while (!run.done) {
      run.advance(2e4);
      steps++;
      run = new FinetuneRun(
        input,
        decodeCheckpoint<FinetuneRunCheckpoint>(encodeCheckpoint(run.checkpoint())),
      );
    }
    expect(steps).toBeGreaterThan(10);
    const withoutTime = ({ report: { fitTimeMs: _, ...report }, ...rest }: FinetuneResult) => ({
      ...rest,
      report,
    });
    expect(withoutTime(run.result())).toEqual(withoutTime(straight.result()));
  });
});

describe("a finetune head's training as the API serves it (FinetuneTrainingRun)", () => {
  // As the job passes them (finetuneRunOptions): the top's grids among the hyperparameters.
  const options = {
    seed: 2,
    hyperparameters: { learningRateGrid: [3e-3], l2spGrid: [0.01], maxEpochs: 8 },
  };
  const trainingInput = (task: ReturnType<typeof syntheticTask>) => {
    const { samples, ...input } = runInput(task, options);
    return { ...input, samples: () => samples };
  };

  it("serves the finetuned top when validation chooses it", () => {
    const run = new FinetuneTrainingRun(trainingInput(syntheticTask(50, 6)));
    while (!run.done) run.advance(STEP_FLOPS);
    expect(run.result()).toMatchObject({ kind: "finetune", report: { headType: "finetune" } });
  });

  it("otherwise serves the logistic training's head (every sample), resumable at every step", async () => {
    // 20 per class: 4 validation samples per label, too few to choose a top.
    const input = trainingInput(syntheticTask(20, 11));
    let run = new FinetuneTrainingRun(input);
    while (!run.done) {
      run.advance(2e5);
      if (run.done) break;
      // A new process each step, as after a crash: only the encoded checkpoint survives.
      run = new FinetuneTrainingRun(
        input,
        decodeCheckpoint<FinetuneTrainingRunCheckpoint>(encodeCheckpoint(run.checkpoint())),
      );
    }
    const result = run.result();
    if (result.kind !== "logistic") throw new Error("expected the logistic head");
    const logistic = await trainHead({
      headType: "logistic",
      backbone: input.backbone,
      samples: input.samples(),
      options: { seed: 2, sweep: {}, hyperparameters: {} },
    });
    expect(result.head.serialize()).toEqual(logistic.head.serialize());
    const { fitTimeMs: _served, finetune, ...report } = result.report;
    const { fitTimeMs: _trained, ...expected } = logistic.report;
    expect(report).toEqual(expected);
    expect(report.evaluation.protocol.kind).toBe("cross-validation");
    expect(report.samples.servedHeadTrainedOn).toBe(60);
    expect(finetune).toMatchObject({
      chosen: "frozen",
      note: expect.stringMatching(/fewer than 10/),
    });
  });
});

describe("beatsFrozen: a finetuned top must clearly beat the frozen head on validation", () => {
  // Two labels; logits [0, z] put probability σ(z) on label 1.
  const logitsOf = (z: number[]) => ({
    rows: z.length,
    cols: 2,
    data: Float64Array.from(z.flatMap((value) => [0, value])),
  });
  const y = Int32Array.from({ length: 8 }, () => 1);

  it("takes a gain every sample shares", () => {
    expect(
      beatsFrozen(logitsOf([2, 2.1, 1.9, 2, 2.2, 1.8, 2, 2]), logitsOf(Array(8).fill(1)), y),
    ).toBe(true);
  });

  it("refuses a lower mean loss carried by one sample, or bought with a sample more wrong", () => {
    const frozen = logitsOf([1, 1, 1, 1, 1, 1, 1, -3]);
    expect(beatsFrozen(logitsOf([1, 1, 1, 1, 1, 1, 1, 0.5]), frozen, y)).toBe(false);
    expect(beatsFrozen(logitsOf([5, 5, 5, 5, 5, 5, -0.1, -3]), logitsOf(Array(8).fill(1)), y)).toBe(
      false,
    );
  });
});

describe("finetune cross-validation (selection's top-unfrozen candidate)", () => {
  const options = {
    seed: 2,
    hyperparameters: { learningRateGrid: [3e-3], l2spGrid: [0.01], maxEpochs: 6 },
  };

  it("scores the frozen head on the logistic cross-validation's folds, and resumes exactly", () => {
    const input = { ...runInput(syntheticTask(30, 5), options), folds: 3, seed: 4, repeats: 1 };
    const straight = new FinetuneCrossValidationRun(input);
    while (!straight.done) straight.advance(STEP_FLOPS);
    const { folds, rounds } = straight.result();
    expect(folds).toBe(3);
    expect(rounds).toHaveLength(3);

    // The frozen figures are the selection's own: the same folds give the same logistic heads.
    const labels = ["class-0", "class-1", "class-2"];
    const logistic = new CrossValidationRun({
      headType: "logistic",
      backbone: input.backbone,
      X: fromRows(
        input.samples.map((sample) => sample.features),
        OUT,
      ),
      y: Int32Array.from(input.samples, (sample) => labels.indexOf(sample.label)),
      labels,
      folds: 3,
      repeats: 1,
      seed: 4,
    });
    while (!logistic.done) logistic.advance(STEP_FLOPS);
    expect(rounds.map((round) => round.frozen)).toEqual(logistic.result().perFold);
    // The pretrained top misses the class, so validation keeps the finetuned top in some folds.
    expect(rounds.some((round) => round.finetuned)).toBe(true);
    for (const round of rounds) {
      expect(round.finetuneHeadBytes === null).toBe(!round.finetuned);
      if (!round.finetuned) expect(round.topUnfrozen).toEqual(round.frozen);
    }

    let run = new FinetuneCrossValidationRun(input);
    while (!run.done) {
      run.advance(3e4);
      run = new FinetuneCrossValidationRun(
        input,
        decodeCheckpoint<FinetuneCrossValidationCheckpoint>(encodeCheckpoint(run.checkpoint())),
      );
    }
    const withoutTime = (r: FinetuneRound) => ({ ...r, fitMs: 0 });
    expect(run.result().rounds.map(withoutTime)).toEqual(rounds.map(withoutTime));
  });
});

describe("the stored finetune head", () => {
  it("round-trips through its bytes (int8 top) and predicts from cut feature maps as before", () => {
    const input = runInput(syntheticTask(50, 6), {
      seed: 2,
      hyperparameters: { learningRateGrid: [3e-3], l2spGrid: [0.01], maxEpochs: 8 },
    });
    const run = new FinetuneRun(input);
    while (!run.done) run.advance(STEP_FLOPS);
    const result = run.result();
    if (result.kind !== "finetune") throw new Error("expected a finetune head");
    const bytes = result.head.serialize();
    const decoded = decodeFinetuneHead(bytes, input.backbone);
    expect(decoded.serialize()).toEqual(bytes);
    const maps = input.samples.map((_, i) =>
      Float32Array.from(syntheticTask(50, 6).samples[i] as Float64Array),
    );
    expect(decoded.predict(maps)).toEqual(result.head.predict(maps));
    // int8 kernel + float32 scales, bias, scaler and classifier, and a small JSON header.
    const { layout } = result.head.model;
    const floats = 2 * OUT + 2 * OUT + CLASSES * OUT + CLASSES;
    expect(bytes.length).toBeGreaterThanOrEqual(OUT * CHANNELS + 4 * floats);
    expect(bytes.length).toBeLessThan(OUT * CHANNELS + 4 * floats + 1024);
    expect(layout.inChannels).toBe(CHANNELS);
    expect(() => decodeFinetuneHead(bytes, { ...input.backbone, weightsHash: "other" })).toThrow(
      /retrain/,
    );
    expect(() => decodeFinetuneHead(bytes.subarray(0, bytes.length - 1), input.backbone)).toThrow(
      /wrong size/,
    );
  });
});

describe("cached cut activations", () => {
  it("store int8 with a scale per position, within half a step of each position's range", () => {
    const gaussian = gaussians(21);
    const positions = 49;
    const channels = 32;
    const map = Float64Array.from(
      { length: positions * channels },
      (_, i) => gaussian() * (1 + Math.floor(i / channels)),
    );
    const bytes = encodeActivations(map, positions, channels);
    expect(bytes.length).toBe(encodedActivationBytes(positions, channels));
    expect(encodedActivationBytes(49, 448)).toBe(22_148);
    const out = new Float64Array(2 * positions * channels);
    decodeActivationsInto(bytes, positions, channels, out, positions * channels);
    for (let p = 0; p < positions; p++) {
      const row = map.subarray(p * channels, (p + 1) * channels);
      const step = Math.max(...row.map(Math.abs)) / 127;
      for (let c = 0; c < channels; c++) {
        const decoded = out[positions * channels + p * channels + c] as number;
        expect(Math.abs(decoded - (row[c] as number))).toBeLessThanOrEqual(step / 2 + 1e-6);
      }
    }
  });
});

describe("the finetune network's scaler", () => {
  it("floors each feature's scale at the median scale and keeps the means", () => {
    const mean = Float64Array.of(1, 2, 3, 4, 5);
    const scaling = flooredScaling({ mean, scale: Float64Array.of(1e-6, 0.5, 1e-3, 2, 0.1) });
    expect([...scaling.scale]).toEqual([0.1, 0.5, 0.1, 2, 0.1]);
    expect(scaling.mean).toBe(mean);
  });
});

describe("finetune data", () => {
  it("streams samples by index and refuses a wrong-sized one", () => {
    const source = memorySource([Float64Array.of(1, 2), Float64Array.of(3)], 2);
    const out = new Float64Array(2);
    source.read([0], out);
    expect([...out]).toEqual([1, 2]);
    expect(() => source.read([1], out)).toThrow(/not 2 long/);
  });
});
