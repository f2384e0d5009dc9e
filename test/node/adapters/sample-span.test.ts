import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useGemmKernel } from "../../../adapters/linalg/gemm";
import { JS_GEMM } from "../../../adapters/linalg/js-gemm";
import type { Matrix } from "../../../adapters/linalg/matrix";
import { gramOf, MatrixMemo } from "../../../adapters/linalg/matrix-memo";
import {
  LogisticRegression,
  logisticObjective,
  parameterCount,
  weightRowCount,
} from "../../../adapters/logistic";
import type { LogisticProblem } from "../../../adapters/logistic/multinomial-loss";
import { sampleSpanSpace, spanPays } from "../../../adapters/logistic/sample-span-space";
import { Lbfgs, type LbfgsOptions } from "../../../adapters/solvers/lbfgs";
import { coordinateSpace, type SpaceFactory } from "../../../adapters/solvers/search-space";
import { nodeGemmKernel } from "../../../src/runtime/gemm/node-gemm";
import { blobs } from "./helpers";

// The fit's own settings (LogisticRegression), with a tolerance tight enough to run many iterations.
const OPTIONS: LbfgsOptions = {
  maxIterations: 500,
  gradientTolerance: 0,
  relativeGradientTolerance: 1e-6,
  functionTolerance: 64 * Number.EPSILON,
};

function solve(space: SpaceFactory, resumeEachIteration = false) {
  let search = new Lbfgs(space, OPTIONS);
  while (!search.stopped) {
    search.iterate();
    if (resumeEachIteration && !search.stopped) {
      search = new Lbfgs(space, OPTIONS, search.checkpoint());
    }
  }
  return search.result;
}

function problemOf(X: Matrix, y: Int32Array, classCount: number, C: number): LogisticProblem {
  return { X, y, sampleWeight: new Float64Array(X.rows).fill(1), classCount, C };
}

/** Both searches from one start: the same path, so the same iterations and (to rounding) point. */
function expectSamePath(problem: LogisticProblem, start: Float64Array) {
  const coordinates = solve(coordinateSpace(logisticObjective(problem), start));
  const span = solve(sampleSpanSpace(problem, start, gramOf(problem.X)));
  expect(coordinates.stopReason).toBe("gradient");
  expect(span.stopReason).toBe("gradient");
  expect(span.iterations).toBe(coordinates.iterations);
  expect(span.evaluations).toBe(coordinates.evaluations);
  expect(Math.abs(span.value - coordinates.value)).toBeLessThan(1e-12 * coordinates.value);
  const scale = Math.max(...coordinates.x.map(Math.abs));
  coordinates.x.forEach((v, j) => {
    expect(Math.abs((span.x[j] as number) - v)).toBeLessThan(1e-8 * scale);
  });
  return span;
}

const KERNELS = [JS_GEMM, await nodeGemmKernel()];

describe.each(KERNELS)("L-BFGS in the span of the samples, $name kernel", (kernel) => {
  beforeAll(() => useGemmKernel(kernel));
  afterAll(() => useGemmKernel(JS_GEMM));

  for (const classCount of [2, 4]) {
    it(`${classCount} classes, n < d, from zero weights: the coordinate search's path`, () => {
      const { X, y } = blobs({ perClass: 8, classes: classCount, dim: 60, separation: 1, seed: 7 });
      const start = new Float64Array(parameterCount(classCount, X.cols));
      start.fill(0.3, weightRowCount(classCount) * X.cols);
      expectSamePath(problemOf(X, y, classCount, 10), start);
    });
  }

  it("warm-started from a fit on fewer, differently scaled samples (a refit after the sweep)", () => {
    const { X, y } = blobs({ perClass: 10, classes: 3, dim: 50, separation: 1.5, seed: 11 });
    // The earlier fit: the first 18 samples, scaled otherwise, so its weights leave the new span.
    const earlierRows = 18;
    const earlierX = {
      rows: earlierRows,
      cols: X.cols,
      data: X.data.slice(0, earlierRows * X.cols).map((v, j) => v * (1 + (j % X.cols) / X.cols)),
    };
    const earlier = solve(
      coordinateSpace(
        logisticObjective(problemOf(earlierX, y.slice(0, earlierRows), 3, 1)),
        new Float64Array(parameterCount(3, X.cols)),
      ),
    );
    expectSamePath(problemOf(X, y, 3, 0.5), earlier.x);
  });

  it("resumed from a checkpoint at every iteration, ends on the same bits", () => {
    const { X, y } = blobs({ perClass: 6, classes: 3, dim: 40, separation: 1, seed: 2 });
    const start = new Float64Array(parameterCount(3, X.cols)).fill(0.01);
    const space = sampleSpanSpace(problemOf(X, y, 3, 3), start, gramOf(X));
    const straight = solve(space);
    const resumed = solve(space, true);
    expect(straight.iterations).toBeGreaterThan(5);
    expect(resumed.x).toEqual(straight.x);
    expect(resumed.iterations).toBe(straight.iterations);
  });

  it("LogisticRegression: a warm-started sweep gives the same coefficients in either space", () => {
    const { X, y } = blobs({ perClass: 30, classes: 3, dim: 200, separation: 1, seed: 4 });
    const memo = new MatrixMemo(X);
    const sweep = (solverSpace: "coordinates" | "samples") => {
      let previous: LogisticRegression | undefined;
      for (const C of [0.01, 1, 100]) {
        previous = new LogisticRegression({ C, solverSpace }).fit(X, y, {
          warmStart: previous,
          memo,
        });
      }
      return previous as LogisticRegression;
    };
    const [coordinates, span] = [sweep("coordinates"), sweep("samples")];
    expect(span.fitSummary.iterations).toBe(coordinates.fitSummary.iterations);
    const scale = Math.max(...coordinates.coefficients.map(Math.abs));
    coordinates.coefficients.forEach((v, j) => {
      expect(Math.abs((span.coefficients[j] as number) - v)).toBeLessThan(1e-8 * scale);
    });
    coordinates.intercepts.forEach((v, r) => {
      expect(Math.abs((span.intercepts[r] as number) - v)).toBeLessThan(1e-8);
    });
  });
});

describe("spanPays", () => {
  it("never with more samples than features; a shared Gram matrix makes larger fits pay", () => {
    expect(spanPays(2000, 1792, 10, true)).toBe(false);
    expect(spanPays(48, 1792, 10, false)).toBe(true);
    // The Fashion-MNIST full pool: its sweep on 979 samples shares one Gram, its refit on 1,306 not.
    expect(spanPays(979, 1792, 10, true)).toBe(true);
    expect(spanPays(979, 1792, 10, false)).toBe(false);
    expect(spanPays(1306, 1792, 10, false)).toBe(false);
  });
});
