import { afterEach, describe, expect, it } from "vitest";
import { type HeadType, STEP_FLOPS, useGemmKernel } from "../../../adapters";
import { JS_GEMM } from "../../../adapters/linalg/js-gemm";
import type { TrainingCheckpoint } from "../../../adapters/protocol/train-head";
import { TrainingRun } from "../../../adapters/protocol/train-head";
import {
  decodeCheckpoint,
  encodeCheckpoint,
} from "../../../adapters/serialization/checkpoint-codec";
import { nodeGemmKernel } from "../../../src/runtime/gemm/node-gemm";
import { blobs } from "./helpers";

const { samples } = blobs({ perClass: 40, classes: 3, dim: 16, separation: 2, seed: 5 });
const backbone = { id: "blobs", weightsHash: "none", dim: 16 };
const SMALL_STEP = 2e5;

// 120 samples: the cross-validation protocol (5 folds × 3 repeats, then the refit on all), unless a
// test split is asked for.
const heads: { headType: HeadType; options: object }[] = [
  { headType: "logistic", options: { seed: 1, sweep: { cGrid: [0.01, 1, 100] } } },
  {
    headType: "logistic",
    options: { seed: 4, testFraction: 0.2, sweep: { cGrid: [0.01, 1] }, targetPrecision: 0.9 },
  },
  {
    headType: "mlp",
    options: {
      seed: 2,
      sweep: { weightDecayGrid: [0.01] },
      hyperparameters: { hiddenUnits: 8, maxEpochs: 8, batchSize: 8 },
    },
  },
  { headType: "prototype", options: { seed: 3, targetPrecision: 0.9 } },
];
// Each head under both matrix kernels: the plain JS default and the Worker's WebAssembly SIMD one.
const cases = [JS_GEMM, await nodeGemmKernel()].flatMap((kernel) =>
  heads.map((head) => ({ ...head, kernel })),
);

describe("training in resumable steps", () => {
  afterEach(() => useGemmKernel(JS_GEMM));

  it.each(cases)(
    "$headType $options, $kernel.name kernel: resumed from a checkpoint at every step, gives the same head",
    ({ headType, options, kernel }) => {
      useGemmKernel(kernel);
      const input = { headType, backbone, samples, options };
      const straight = new TrainingRun(input);
      while (!straight.done) straight.advance(SMALL_STEP);

      let steps = 0;
      let run = new TrainingRun(input);
      while (!run.done) {
        run.advance(SMALL_STEP);
        steps++;
        if (run.done) break;
        // A new process each step, as after a crash: only the encoded checkpoint survives.
        const bytes = encodeCheckpoint(run.checkpoint());
        run = new TrainingRun(input, decodeCheckpoint<TrainingCheckpoint>(bytes));
      }
      expect(steps).toBeGreaterThan(3);
      expect(run.result().head.serialize()).toEqual(straight.result().head.serialize());
      const { fitTimeMs: _a, ...resumed } = run.result().report;
      const { fitTimeMs: _b, ...uninterrupted } = straight.result().report;
      expect(resumed).toEqual(uninterrupted);
    },
  );

  it("bounds every step by its budget, up to one unit of work", () => {
    // Above the largest unit: the assessment after cross-validation (a bootstrap over 360 predictions).
    const budget = 10 * SMALL_STEP;
    const run = new TrainingRun({
      headType: "mlp",
      backbone,
      samples,
      options: { hyperparameters: { hiddenUnits: 64, maxEpochs: 50, batchSize: 4 } },
    });
    const spent: number[] = [];
    while (!run.done) spent.push(run.advance(budget));
    expect(spent.length).toBeGreaterThan(10);
    // One minibatch of 4 rows through a 16-64-3 network is far below the budget.
    expect(Math.max(...spent)).toBeLessThan(budget * 1.5);
  });

  it("splits the MLP that froze the server (512 hidden, 400 epochs, batch 4) into bounded steps", () => {
    const wide = blobs({ perClass: 40, classes: 3, dim: 1792, separation: 1, seed: 9 });
    const run = new TrainingRun({
      headType: "mlp",
      backbone: { id: "wide", weightsHash: "none", dim: 1792 },
      samples: wide.samples,
      options: {
        hyperparameters: { hiddenUnits: 512, maxEpochs: 400, patience: 100, batchSize: 4 },
      },
    });
    // One unit: a minibatch of 4 (forward + backward), or an epoch's end with the validation pass.
    const perRow = 2 * (1792 * 512 + 512 * 3);
    const unit = Math.max(3 * 4 * perRow, 3 * 4 * perRow + 24 * perRow);
    for (let step = 0; step < 4; step++) {
      expect(run.advance(STEP_FLOPS)).toBeLessThanOrEqual(STEP_FLOPS + unit);
    }
    expect(run.done).toBe(false);
  });

  it("keeps float64 arrays exact through the checkpoint codec", () => {
    const value = {
      a: Float64Array.of(Math.PI, -0, 1e-300),
      nested: [{ b: new Float64Array(3), loss: Number.POSITIVE_INFINITY }],
    };
    const decoded = decodeCheckpoint<typeof value>(encodeCheckpoint(value));
    expect(decoded.a).toEqual(value.a);
    expect(Object.is(decoded.a[1], -0)).toBe(true);
    expect(decoded.nested[0]?.b).toEqual(new Float64Array(3));
    expect(decoded.nested[0]?.loss).toBe(Number.POSITIVE_INFINITY);
  });
});
