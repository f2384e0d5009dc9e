/**
 * LogME against its definition: the evidence is the log density of y under the marginal Gaussian
 * y ~ N(0, α⁻¹ F Fᵀ + β⁻¹ I), which these tests evaluate directly (Cholesky), independently of the
 * eigenbasis formulas the implementation uses, and maximise numerically where that is cheap (1-d).
 */

import { describe, expect, it } from "vitest";
import { fromRows, type Matrix } from "../../../adapters/linalg/matrix";
import { SeededRandom } from "../../../adapters/random";
import { logME } from "../../../adapters/selection/logme";
import { blobs } from "../adapters/helpers";

/** log N(y; 0, α⁻¹ F Fᵀ + β⁻¹ I) by Cholesky. */
function marginalLogDensity(F: number[][], y: number[], alpha: number, beta: number): number {
  const n = y.length;
  const C = F.map((fi, i) =>
    F.map(
      (fj, j) =>
        fi.reduce((s, v, k) => s + v * (fj[k] as number), 0) / alpha + (i === j ? 1 / beta : 0),
    ),
  );
  const L = C.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = (C[i] as number[])[j] as number;
      for (let k = 0; k < j; k++)
        s -= ((L[i] as number[])[k] as number) * ((L[j] as number[])[k] as number);
      (L[i] as number[])[j] = i === j ? Math.sqrt(s) : s / ((L[j] as number[])[j] as number);
    }
  }
  // Solve L u = y; then yᵀ C⁻¹ y = uᵀu and log|C| = 2 Σ log Lᵢᵢ.
  const u = new Array<number>(n).fill(0);
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    let s = y[i] as number;
    for (let k = 0; k < i; k++) s -= ((L[i] as number[])[k] as number) * (u[k] as number);
    const lii = (L[i] as number[])[i] as number;
    u[i] = s / lii;
    logDet += 2 * Math.log(lii);
  }
  const quadratic = u.reduce((s, v) => s + v * v, 0);
  return -0.5 * (n * Math.log(2 * Math.PI) + logDet + quadratic);
}

function gaussianRows(n: number, d: number, seed: number): number[][] {
  const random = new SeededRandom(seed);
  const gaussian = () =>
    Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
  return Array.from({ length: n }, () => Array.from({ length: d }, gaussian));
}

const oneHot = (y: Int32Array, k: number) => Array.from(y, (label) => (label === k ? 1 : 0));
const matrixOf = (rows: number[][]): Matrix => fromRows(rows, rows[0]?.length ?? 0);

describe("LogME", () => {
  it("1-d features: equals the numerically maximised marginal likelihood", () => {
    const F = [[0.3], [1.2], [-0.4], [0.9], [2.1], [-1.5], [0.2], [1.7]];
    const y = Int32Array.from([0, 1, 0, 1, 1, 0, 0, 1]);
    const result = logME(matrixOf(F), y, 2);
    for (const k of [0, 1]) {
      const target = oneHot(y, k);
      // Coordinate ascent on a log grid, refined around the best point: no fixed-point formula involved.
      let best = { logAlpha: 0, logBeta: 0, value: -Infinity };
      for (let step = 1; step >= 1e-5; step /= 4) {
        const centre = best.value === -Infinity ? { logAlpha: 0, logBeta: 0 } : best;
        for (let i = -40; i <= 40; i++) {
          for (let j = -40; j <= 40; j++) {
            const logAlpha = centre.logAlpha + i * step;
            const logBeta = centre.logBeta + j * step;
            const value = marginalLogDensity(F, target, Math.exp(logAlpha), Math.exp(logBeta));
            if (value > best.value) best = { logAlpha, logBeta, value };
          }
        }
      }
      expect(result.perClass[k]?.evidence).toBeCloseTo(best.value / F.length, 6);
    }
  });

  for (const [regime, n, d] of [
    ["n ≤ D (FFᵀ)", 12, 20],
    ["n > D (FᵀF)", 30, 6],
  ] as const) {
    it(`${regime}: the evidence is the marginal density at a stationary (α, β)`, () => {
      const rows = gaussianRows(n, d, 7);
      const y = Int32Array.from({ length: n }, (_, i) => i % 3);
      const result = logME(matrixOf(rows), y, 3);
      result.perClass.forEach(({ alpha, beta, evidence }, k) => {
        const target = oneHot(y, k);
        const at = (a: number, b: number) => marginalLogDensity(rows, target, a, b);
        expect(evidence).toBeCloseTo(at(alpha, beta) / n, 8);
        // d/d log α and d/d log β of the evidence vanish at the fixed point.
        const h = 1e-4;
        const dAlpha = (at(alpha * Math.exp(h), beta) - at(alpha * Math.exp(-h), beta)) / (2 * h);
        const dBeta = (at(alpha, beta * Math.exp(h)) - at(alpha, beta * Math.exp(-h))) / (2 * h);
        expect(Math.abs(dAlpha)).toBeLessThan(1e-4);
        expect(Math.abs(dBeta)).toBeLessThan(1e-4);
      });
      expect(result.score).toBeCloseTo(result.perClass.reduce((s, c) => s + c.evidence, 0) / 3, 12);
    });
  }

  it("is invariant to scaling the features, rotating them and reordering the samples", () => {
    const { X, y } = blobs({ perClass: 15, classes: 3, dim: 8, separation: 3, seed: 3 });
    const base = logME(X, y, 3).score;

    const scaled = { ...X, data: X.data.map((v) => v * 7.5) };
    expect(logME(scaled, y, 3).score).toBeCloseTo(base, 8);

    // A rotation in the plane of features 0 and 1, then one in the plane of 2 and 5.
    const rotated = { ...X, data: Float64Array.from(X.data) };
    for (const [a, b, angle] of [
      [0, 1, 0.7],
      [2, 5, -1.9],
    ] as const) {
      for (let i = 0; i < X.rows; i++) {
        const u = rotated.data[i * 8 + a] as number;
        const v = rotated.data[i * 8 + b] as number;
        rotated.data[i * 8 + a] = Math.cos(angle) * u - Math.sin(angle) * v;
        rotated.data[i * 8 + b] = Math.sin(angle) * u + Math.cos(angle) * v;
      }
    }
    expect(logME(rotated, y, 3).score).toBeCloseTo(base, 8);

    const order = new SeededRandom(1).shuffle(Array.from({ length: X.rows }, (_, i) => i));
    const permuted = fromRows(
      order.map((i) => X.data.subarray(i * 8, i * 8 + 8)),
      8,
    );
    expect(
      logME(
        permuted,
        Int32Array.from(order, (i) => y[i] as number),
        3,
      ).score,
    ).toBeCloseTo(base, 8);
  });

  it("scores informative features above noise, in both regimes", () => {
    for (const dim of [10, 200]) {
      const informative = blobs({ perClass: 30, classes: 3, dim, separation: 6, seed: 5 });
      const noise = blobs({ perClass: 30, classes: 3, dim, separation: 0, seed: 5 });
      expect(logME(informative.X, informative.y, 3).score).toBeGreaterThan(
        logME(noise.X, noise.y, 3).score + 0.1,
      );
    }
  });

  it("stays finite on all-zero features", () => {
    const zeros = fromRows(
      Array.from({ length: 6 }, () => [0, 0, 0]),
      3,
    );
    const { score } = logME(zeros, Int32Array.from([0, 0, 0, 1, 1, 1]), 2);
    expect(Number.isFinite(score)).toBe(true);
  });
});
