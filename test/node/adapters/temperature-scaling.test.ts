import { describe, expect, it } from "vitest";
import { type Matrix, zeros } from "../../../adapters/linalg/matrix";
import { softmaxWithTemperature } from "../../../adapters/linalg/softmax";
import { fitTemperature } from "../../../adapters/protocol/temperature-scaling";
import { SeededRandom } from "../../../adapters/random";

/** Labels drawn from softmax(z / T): temperature scaling should find T again. */
function sampleWithTemperature(temperature: number, n: number): { logits: Matrix; y: Int32Array } {
  const random = new SeededRandom(5);
  const logits = zeros(n, 4);
  logits.data.forEach((_, i) => {
    logits.data[i] = 6 * random.next() - 3;
  });
  const probabilities = softmaxWithTemperature(logits, temperature);
  const y = Int32Array.from({ length: n }, (_, i) => {
    let u = random.next();
    for (let k = 0; k < 3; k++) {
      u -= probabilities.data[i * 4 + k] as number;
      if (u < 0) return k;
    }
    return 3;
  });
  return { logits, y };
}

describe("temperature scaling", () => {
  for (const temperature of [0.5, 2]) {
    it(`recovers T = ${temperature} from labels sampled at that temperature`, () => {
      const { logits, y } = sampleWithTemperature(temperature, 5000);
      expect(Math.abs(fitTemperature(logits, y) / temperature - 1)).toBeLessThan(0.1);
    });
  }
});

describe("temperature scaling on a perfectly classified validation set", () => {
  it("stops short of certainty: the top probability stays near Laplace's (n + 1) / (n + 2)", () => {
    const n = 18;
    const logits = zeros(n, 3);
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    y.forEach((k, i) => {
      logits.data[i * 3 + k] = 2;
    });
    const temperature = fitTemperature(logits, y);
    const top = softmaxWithTemperature(logits, temperature).data[0] as number;
    expect(top).toBeGreaterThan(0.9);
    expect(top).toBeLessThan(0.99);
  });

  it("keeps T = 1 rather than soften logits that are confident and right", () => {
    const n = 6;
    const logits = zeros(n, 3);
    const y = Int32Array.from({ length: n }, (_, i) => i % 3);
    y.forEach((k, i) => {
      logits.data[i * 3 + k] = 6;
    });
    expect(fitTemperature(logits, y)).toBe(1);
  });
});
