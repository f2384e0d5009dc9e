import { describe, expect, it } from "vitest";
import { fromRows } from "../../../adapters/linalg/matrix";
import { LogisticRegression, logisticObjective, parameterCount } from "../../../adapters/logistic";
import { minimizeLbfgs } from "../../../adapters/solvers/lbfgs";
import { blobs } from "./helpers";

describe("L-BFGS", () => {
  it("minimises an ill-conditioned quadratic to its known minimiser", () => {
    const scales = [1, 10, 100, 1000];
    const target = [3, -2, 0.5, 7];
    const result = minimizeLbfgs(
      (x, g) => {
        let f = 0;
        x.forEach((v, j) => {
          const r = v - (target[j] as number);
          f += 0.5 * (scales[j] as number) * r * r;
          g[j] = (scales[j] as number) * r;
        });
        return f;
      },
      new Float64Array(4),
      { gradientTolerance: 1e-10, functionTolerance: 0 },
    );
    expect(result.converged).toBe(true);
    expect(result.stopReason).toBe("gradient");
    result.x.forEach((v, j) => {
      expect(v).toBeCloseTo(target[j] as number, 8);
    });
  });

  it("finds the minimum of the Rosenbrock function at (1, 1)", () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const [a, b] = [x[0] as number, x[1] as number];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.of(-1.2, 1),
      { gradientTolerance: 1e-9, functionTolerance: 0, maxIterations: 500 },
    );
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  for (const [name, separation] of [
    ["separable", 12],
    ["non-separable", 1],
  ] as const) {
    it(`converges on ${name} logistic problems to a stationary point`, () => {
      const { X, y } = blobs({ perClass: 40, classes: 3, dim: 10, separation, seed: 3 });
      const sampleWeight = new Float64Array(X.rows).fill(1);
      const objective = logisticObjective({ X, y, sampleWeight, classCount: 3, C: 10 });
      const tolerance = 1e-6;
      const result = minimizeLbfgs(objective, new Float64Array(parameterCount(3, X.cols)), {
        gradientTolerance: 0,
        relativeGradientTolerance: tolerance,
        functionTolerance: 0,
        maxIterations: 1000,
      });
      expect(result.stopReason).toBe("gradient");
      const gradient = new Float64Array(result.x.length);
      const value = objective(result.x, gradient);
      expect(Math.max(...gradient.map(Math.abs))).toBeLessThanOrEqual(tolerance * value);
      const model = LogisticRegression.fromState({
        hyperparameters: { C: 10 },
        shape: { classCount: 3, featureCount: X.cols },
        arrays: { theta: result.x },
      });
      if (name === "separable") expect(model.score(X, y)).toBe(1);
      else expect(model.score(X, y)).toBeLessThan(1);
    });
  }
});

describe("known small problems", () => {
  it("binary, x = +-1: w solves w = 2C (1 - sigmoid(w)) and b = 0", () => {
    const C = 2;
    const model = new LogisticRegression({ C, tol: 1e-12 }).fit(
      fromRows([[1], [-1]], 1),
      Int32Array.of(1, 0),
    );
    // Bisection on the stationarity condition of C * sum(loss) + w^2 / 2.
    let [lo, hi] = [0, 10];
    for (let i = 0; i < 200; i++) {
      const w = (lo + hi) / 2;
      if (w - 2 * C * (1 - 1 / (1 + Math.exp(-w))) > 0) hi = w;
      else lo = w;
    }
    expect(model.coefficients[0]).toBeCloseTo(lo, 9);
    expect(model.intercepts[0]).toBeCloseTo(0, 9);
  });

  it("3 classes in 2-d: matches scikit-learn 1.2.1 LogisticRegression(C=1, solver=newton-cg, tol=1e-14)", () => {
    // Reference printed by scikit-learn: coef_, intercept_ and predict_proba([[1, 1]]); newton-cg
    // because scipy's L-BFGS-B stops sklearn's lbfgs at a relative decrease of 2.2e-9, short of this.
    const X = fromRows(
      [
        [0, 0],
        [1, 0],
        [0, 1],
        [2, 2],
        [3, 1],
        [1, 3],
        [-1, 2],
      ],
      2,
    );
    const y = Int32Array.of(0, 0, 1, 1, 2, 2, 1);
    const model = new LogisticRegression({ C: 1, tol: 1e-12 }).fit(X, y);
    const coef = [
      -0.21466125872693836, -0.9515900261335202, -0.33077577465153, 0.3516541452570188,
      0.5454370333784682, 0.5999358808765017,
    ];
    const intercept = [1.1139210203284406, 0.3357003192457523, -1.4496213395741901];
    coef.forEach((v, j) => {
      expect(model.coefficients[j]).toBeCloseTo(v, 7);
    });
    intercept.forEach((v, k) => {
      expect(model.intercepts[k]).toBeCloseTo(v, 7);
    });
    const proba = model.predictProba(fromRows([[1, 1]], 2)).data;
    [0.30464742469295114, 0.4585475883574762, 0.23680498694957272].forEach((p, k) => {
      expect(proba[k]).toBeCloseTo(p, 8);
    });
  });
});
