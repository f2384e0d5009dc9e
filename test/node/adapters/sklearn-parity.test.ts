import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useGemmKernel } from "../../../adapters/linalg/gemm";
import { JS_GEMM } from "../../../adapters/linalg/js-gemm";
import { fromRows, selectRows } from "../../../adapters/linalg/matrix";
import { LogisticRegression } from "../../../adapters/logistic";
import { StandardScaler } from "../../../adapters/preprocessing/standard-scaler";
import { nodeGemmKernel } from "../../../src/runtime/gemm/node-gemm";
import { FIXTURES, realEmbeddings } from "./helpers";

/**
 * Parity with scikit-learn on real backbone embeddings. The reference numbers are committed in
 * sklearn-logistic.json, made by make_sklearn_fixture.py (Debian python3-sklearn) from embeddings.json.
 * Tolerances: features are standardised identically to 1e-9; probabilities agree to 1e-4 (sklearn's
 * lbfgs stops at a relative decrease of 2.2e-9, so it sits about that far from the optimum);
 * accuracy and predicted classes are identical. Under both matrix kernels: plain JS and the Worker's
 * WebAssembly SIMD one.
 */
const FIXTURE = new URL("sklearn-logistic.json", FIXTURES);

interface ParityCase {
  name: string;
  C: number;
  trainIndices: number[];
  testIndices: number[];
  scalerMean: number[];
  scalerScale: number[];
  classes: string[];
  testAccuracy: number;
  testProba: number[][];
}

const KERNELS = [JS_GEMM, await nodeGemmKernel()];

describe.skipIf(!existsSync(FIXTURE)).each(KERNELS)(
  "scikit-learn parity (fixture test/fixtures/heads/sklearn-logistic.json), $name kernel",
  (kernel) => {
    beforeAll(() => useGemmKernel(kernel));
    afterAll(() => useGemmKernel(JS_GEMM));
    const fixture = existsSync(FIXTURE)
      ? (JSON.parse(readFileSync(FIXTURE, "utf8")) as { cases: ParityCase[] })
      : { cases: [] };
    const { raw } = realEmbeddings();
    const X = fromRows(
      raw.map((s) => s.features),
      raw[0]?.features.length ?? 0,
    );

    // Both places the solver can keep its vectors (LogisticRegressionParams.solverSpace).
    const spaces = ["coordinates", "samples"] as const;
    for (const [c, solverSpace] of fixture.cases.flatMap((c) =>
      spaces.map((p) => [c, p] as const),
    )) {
      it(`${c.name}, solver in ${solverSpace}: same standardisation, probabilities and accuracy at C = ${c.C}`, () => {
        const classOf = new Map(c.classes.map((label, k) => [label, k]));
        const labelsOf = (indices: number[]) =>
          Int32Array.from(indices, (i) => classOf.get(raw[i]?.label ?? "") as number);
        const scaler = new StandardScaler().fit(selectRows(X, c.trainIndices));
        c.scalerMean.forEach((m, j) => {
          expect(Math.abs((scaler.mean[j] as number) - m)).toBeLessThan(1e-9);
        });
        c.scalerScale.forEach((s, j) => {
          expect(Math.abs((scaler.scale[j] as number) - s) / s).toBeLessThan(1e-9);
        });
        const model = new LogisticRegression({
          C: c.C,
          tol: 1e-10,
          maxIterations: 10_000,
          solverSpace,
        }).fit(scaler.transform(selectRows(X, c.trainIndices)), labelsOf(c.trainIndices), {
          classCount: c.classes.length,
        });
        expect(model.fitSummary.converged).toBe(true);
        const XTest = scaler.transform(selectRows(X, c.testIndices));
        const proba = model.predictProba(XTest);
        c.testProba.forEach((row, i) => {
          row.forEach((p, k) => {
            expect(Math.abs((proba.data[i * c.classes.length + k] as number) - p)).toBeLessThan(
              1e-4,
            );
          });
        });
        expect(model.score(XTest, labelsOf(c.testIndices))).toBe(c.testAccuracy);
      });
    }
  },
);
