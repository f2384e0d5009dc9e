import { describe, expect, it } from "vitest";
import { meanSweep } from "../../../adapters/protocol/round-consensus";
import type { EpochLoss, SweepRow } from "../../../adapters/types";

const row = (accuracy: number, logLoss: number, epochs?: EpochLoss[]): SweepRow => ({
  hyperparameters: { weightDecay: 0.01 },
  validationAccuracy: accuracy,
  validationLogLoss: logLoss,
  iterations: epochs?.length ?? 20,
  converged: true,
  ...(epochs && { epochs }),
});
const curve = (...losses: number[]) =>
  losses.map((validationLoss, i) => ({ epoch: i + 1, validationLoss }));
const round = (sweep: SweepRow[]) => ({ sweep, chosen: {}, temperature: 1 });

describe("the rounds' mean sweep", () => {
  it("averages each candidate's scores over the rounds", () => {
    const [mean] = meanSweep([round([row(0.8, 0.5)]), round([row(0.6, 0.7)])]);
    expect(mean?.validationAccuracy).toBeCloseTo(0.7);
    expect(mean?.validationLogLoss).toBeCloseTo(0.6);
    expect(mean).not.toHaveProperty("epochs");
  });

  it("averages learning curves epoch by epoch up to the last epoch every round trained", () => {
    const [mean] = meanSweep([
      round([row(0.8, 0.5, curve(0.9, 0.6, 0.5))]),
      round([row(0.7, 0.6, curve(0.7, 0.4))]),
    ]);
    // Epoch 3 would be the first round's alone: a fall from 0.5 that no round made.
    expect(mean?.epochs?.map((p) => p.epoch)).toEqual([1, 2]);
    expect(mean?.epochs?.map((p) => p.validationLoss)).toEqual([
      expect.closeTo(0.8),
      expect.closeTo(0.5),
    ]);
  });
});
