import { describe, expect, it } from "vitest";
import { fromRows } from "../../../adapters/linalg/matrix";
import { logisticObjective, parameterCount } from "../../../adapters/logistic";
import { SeededRandom } from "../../../adapters/random";

function problem(classCount: number) {
  const random = new SeededRandom(7);
  const n = 9;
  const d = 4;
  const X = fromRows(
    Array.from({ length: n }, () => Array.from({ length: d }, () => 2 * random.next() - 1)),
    d,
  );
  const y = Int32Array.from({ length: n }, (_, i) => i % classCount);
  const sampleWeight = Float64Array.from({ length: n }, () => 0.5 + random.next());
  const theta = Float64Array.from(
    { length: parameterCount(classCount, d) },
    () => random.next() - 0.5,
  );
  return { X, y, sampleWeight, theta, d, C: 0.7 };
}

describe("logistic objective", () => {
  for (const classCount of [2, 3, 5]) {
    it(`gradient matches central differences (${classCount} classes)`, () => {
      const { X, y, sampleWeight, theta, C } = problem(classCount);
      const f = logisticObjective({ X, y, sampleWeight, classCount, C });
      const gradient = new Float64Array(theta.length);
      f(theta, gradient);
      const h = 1e-6;
      const scratch = new Float64Array(theta.length);
      for (let j = 0; j < theta.length; j++) {
        const plus = Float64Array.from(theta);
        const minus = Float64Array.from(theta);
        plus[j] = (plus[j] as number) + h;
        minus[j] = (minus[j] as number) - h;
        const numeric = (f(plus, scratch) - f(minus, scratch)) / (2 * h);
        expect(gradient[j]).toBeCloseTo(numeric, 7);
      }
    });
  }

  it("equals scikit-learn's (C sum_i s_i loss_i + ||W||^2 / 2), divided by C S", () => {
    const classCount = 3;
    const { X, y, sampleWeight, theta, d, C } = problem(classCount);
    const value = logisticObjective({ X, y, sampleWeight, classCount, C })(
      theta,
      new Float64Array(theta.length),
    );
    let weightedLoss = 0;
    for (let i = 0; i < X.rows; i++) {
      const logits = Array.from({ length: classCount }, (_, k) => {
        let z = theta[classCount * d + k] as number;
        for (let j = 0; j < d; j++)
          z += (theta[k * d + j] as number) * (X.data[i * d + j] as number);
        return z;
      });
      const logSumExp = Math.log(logits.reduce((s, z) => s + Math.exp(z), 0));
      weightedLoss +=
        (sampleWeight[i] as number) * (logSumExp - (logits[y[i] as number] as number));
    }
    const squaredNorm = theta.subarray(0, classCount * d).reduce((s, w) => s + w * w, 0);
    const totalWeight = sampleWeight.reduce((s, w) => s + w, 0);
    expect(value).toBeCloseTo((C * weightedLoss + 0.5 * squaredNorm) / (C * totalWeight), 12);
  });
});
