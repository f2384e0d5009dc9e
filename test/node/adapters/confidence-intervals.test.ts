import { describe, expect, it } from "vitest";
import { macroF1Interval, wilsonInterval } from "../../../adapters/protocol/confidence-intervals";

describe("macroF1Interval", () => {
  // 200 "ham" and 3 "spam", a head that never says spam: F1 is 0.993 on ham and 0 on spam.
  const y = Int32Array.from({ length: 203 }, (_, i) => (i < 200 ? 0 : 1));
  const neverSpam = new Int32Array(203);

  it("keeps every class in every resample: a never-predicted rare class cannot lift the bound to 1", () => {
    const interval = macroF1Interval(y, [neverSpam], 2, 0);
    expect(interval.value).toBeCloseTo(400 / 403 / 2, 12);
    // A resample that left out the 3 spam samples scored ham alone (F1 ≈ 1): about e⁻³ ≈ 5 % of them.
    expect(interval.high).toBeLessThan(0.5);
    expect(interval.low).toBeLessThanOrEqual(interval.value);
    expect(interval.method).toMatch(/stratified/);
  });

  it("does not claim [1, 1] when no prediction is wrong: the accuracy's Wilson bound stands in", () => {
    const interval = macroF1Interval(y.subarray(195), [y.subarray(195), y.subarray(195)], 2, 0);
    expect(interval.value).toBe(1);
    expect(interval.high).toBe(1);
    expect(interval.low).toBeCloseTo(wilsonInterval(1, 8).low, 12);
    expect(interval.low).toBeLessThan(0.7);
    expect(interval.method).toMatch(/no error in 8 samples/);
  });

  it("still widens with the errors it resamples", () => {
    const someWrong = Int32Array.from(y, (label, i) => (i % 10 === 0 ? 1 - label : label));
    const interval = macroF1Interval(y, [someWrong], 2, 0);
    expect(interval.low).toBeLessThan(interval.value);
    expect(interval.high).toBeGreaterThan(interval.value);
  });
});
