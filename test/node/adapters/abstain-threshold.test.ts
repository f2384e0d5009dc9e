/** The abstain threshold: the most coverage at which the answers reach the target precision. */

import { describe, expect, it } from "vitest";
import { fromRows } from "../../../adapters/linalg/matrix";
import {
  chooseAbstainThreshold,
  minimumAnswered,
} from "../../../adapters/protocol/abstain-threshold";

/** Two-class predictions, each `[confidence, correct]`, as probabilities and true labels. */
function predictions(items: [number, boolean][]) {
  const probabilities = fromRows(
    items.map(([confidence]) => [confidence, 1 - confidence]),
    2,
  );
  const y = Int32Array.from(items, ([, correct]) => (correct ? 0 : 1));
  return { probabilities, y };
}

const repeat = (count: number, item: [number, boolean]) =>
  Array.from({ length: count }, () => item);

describe("chooseAbstainThreshold", () => {
  it("needs enough answers for the target to allow one error: 20 at 0.95", () => {
    expect(minimumAnswered(0.95)).toBe(20);
    expect(minimumAnswered(0.9)).toBe(10);
    expect(minimumAnswered(0.99)).toBe(100);
    expect(minimumAnswered(1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("does not rest a threshold on one lucky confident answer out of 270", () => {
    // A reviewer's run: one correct prediction at 0.944, the rest far below 95 % precision.
    const { probabilities, y } = predictions([
      [0.944, true],
      ...repeat(134, [0.6, true]),
      ...repeat(135, [0.6, false]),
    ]);
    expect(chooseAbstainThreshold(probabilities, y, 0.95)).toEqual({
      threshold: null,
      precision: null,
      coverage: 0,
    });
  });

  it("answers the most it can once the answered set is large enough", () => {
    const { probabilities, y } = predictions([
      ...repeat(19, [0.99, true]),
      [0.9, true],
      [0.8, false],
      ...repeat(9, [0.6, false]),
    ]);
    // 19 right answers alone are too few at 0.95; with the 20th the target holds, and with the
    // 21st (an error: 20/21 = 0.952) it still does.
    const chosen = chooseAbstainThreshold(probabilities, y, 0.95);
    expect(chosen.threshold).toBe(0.8);
    expect(chosen.precision).toBeCloseTo(20 / 21, 12);
    expect(chosen.coverage).toBeCloseTo(21 / 30, 12);
    expect(chooseAbstainThreshold(probabilities, y, 0.99).threshold).toBeNull();
  });

  it("never claims a precision of 1, which no finite set of answers shows", () => {
    const { probabilities, y } = predictions(repeat(500, [0.99, true]));
    expect(chooseAbstainThreshold(probabilities, y, 1).threshold).toBeNull();
  });
});
