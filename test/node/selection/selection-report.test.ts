/**
 * The selection report's decision from measured candidates (no backbones run): the 9-sample
 * text task, where a 7 % faster layer 10 points worse used to win the near tie.
 */

import { describe, expect, it } from "vitest";
import { foldStatistic } from "../../../adapters/selection";
import { BACKBONES } from "../../../models";
import { availability, candidatesFor } from "../../../src/selection/candidates";
import type { CandidateMeasurement } from "../../../src/selection/measure-candidate";
import { describeCandidate, selectionReport } from "../../../src/selection/selection-report";

const manifest = BACKBONES["use-lite"]?.manifest;
if (!manifest) throw new Error("use-lite is not registered");
const [sentence, encoderMean] = candidatesFor([manifest], "text");

/** A measurement with these per-fold macro-F1 (3 folds, 3 repeats) and latency per item. */
function measured(foldMacroF1: number[], latencyMsPerItem: number): CandidateMeasurement {
  const perFold = foldMacroF1.map((macroF1) => ({ accuracy: macroF1, macroF1 }));
  return {
    crossValidation: {
      folds: 3,
      repeats: 3,
      perFold,
      accuracy: foldStatistic(foldMacroF1, 3),
      macroF1: foldStatistic(foldMacroF1, 3),
    },
    logME: 0,
    prototypeLeaveOneOutAccuracy: 0.9,
    latencyMsPerItem,
    embedMs: 9 * latencyMsPerItem,
    wasmHeapBytes: 0,
  };
}

describe("selection report", () => {
  it("keeps the current backbone when a near tie is cheaper by too little, and says the samples are too few", () => {
    if (!sentence || !encoderMean) throw new Error("use-lite has two cut layers");
    const available = availability(manifest, ["tfjs-graph"]);
    const status = { status: "measured" as const, error: null };
    const report = selectionReport(
      { modality: "text", current: { backbone: "use-lite", layer: "sentence" }, samples: Array(9) },
      ["a", "b", "c"],
      [
        describeCandidate(sentence, available, status, measured(Array(9).fill(1), 6.45)),
        describeCandidate(
          encoderMean,
          available,
          status,
          measured([1, 0.7, 1, 1, 0.7, 1, 1, 0.7, 1], 6.0),
        ),
      ],
      1,
    );
    expect(report.candidates[1]?.nearTie).toBe(true);
    expect(report.recommendation).toMatchObject({ id: "use-lite/sentence", backbone: "use-lite" });
    expect(report.recommendation?.reason).toMatch(/highest cross-validated macro-F1/);
    expect(report.notes.join(" ")).toMatch(/too few samples to separate 2 candidates/);
    expect(report.candidates[0]?.runtimes).toEqual([
      { backbone: "use-lite", runtime: "tfjs-graph" },
    ]);
  });
});
