/**
 * The selection report's decision from measured candidates (no backbones run): the issue's 9-sample
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

/** A measurement with these per-fold macro-F1 (3 folds, 3 repeats), latency per item and LogME. */
function measured(
  foldMacroF1: number[],
  latencyMsPerItem: number,
  logME = 0,
): CandidateMeasurement {
  const perFold = foldMacroF1.map((macroF1) => ({ accuracy: macroF1, macroF1 }));
  return {
    crossValidation: {
      folds: 3,
      repeats: 3,
      perFold,
      accuracy: foldStatistic(foldMacroF1, 3),
      macroF1: foldStatistic(foldMacroF1, 3),
    },
    logME,
    prototypeLeaveOneOutAccuracy: 0.9,
    latencyMsPerItem,
    embedMs: 9 * latencyMsPerItem,
    wasmHeapBytes: 0,
  };
}

describe("selection report", () => {
  if (!sentence || !encoderMean) throw new Error("use-lite has two cut layers");
  const available = availability(manifest, ["tfjs-graph"]);
  const status = { status: "measured" as const, error: null };
  const noisyFolds = [1, 0.7, 1, 1, 0.7, 1, 1, 0.7, 1];
  /** The issue's 9-sample task: sentence perfect on every fold, encoder-mean 7 % faster, noisier. */
  const report = (
    encoderMeanLogME: number,
    current = { backbone: "use-lite", layer: "sentence" },
    stored = 9,
  ) =>
    selectionReport(
      { modality: "text", current, samples: Array(9), stored },
      ["a", "b", "c"],
      [
        describeCandidate(sentence, available, status, measured(Array(9).fill(1), 6.45)),
        describeCandidate(
          encoderMean,
          available,
          status,
          measured(noisyFolds, 6.0, encoderMeanLogME),
        ),
      ],
      1,
    );

  it("says when the pool was a subsample of the adapter's samples, and only then", () => {
    expect(report(0).notes.join(" ")).not.toMatch(/subsample/);
    expect(report(0, undefined, 5000).notes.join(" ")).toMatch(
      /measured on a stratified subsample of 9 of the adapter's 5000 samples/,
    );
  });

  it("keeps the current backbone when a near tie is cheaper by too little, and says the samples are too few", () => {
    const kept = report(0);
    expect(kept.candidates[1]?.nearTie).toBe(true);
    expect(kept.recommendation).toMatchObject({
      id: "use-lite/sentence",
      backbone: "use-lite",
      decidedBy: "current-kept",
    });
    expect(kept.recommendation?.reason).toMatch(/current backbone stays/);
    expect(kept.notes.join(" ")).toMatch(
      /too few samples \(9\) for cross-validation to separate 2 candidates/,
    );
    expect(kept.candidates[0]?.runtimes).toEqual([{ backbone: "use-lite", runtime: "tfjs-graph" }]);
  });

  it("says LogME decided when its evidence for a near tie is strong, and why the current one stays when it is not", () => {
    // On 9 samples, a LogME gap of 0.4 is a log Bayes factor of 3.6: strong evidence.
    const strong = report(0.4);
    expect(strong.recommendation).toMatchObject({
      id: "use-lite/encoder-mean",
      decidedBy: "logme-among-unresolved",
    });
    expect(strong.recommendation?.reason).toMatch(/LogME decided .* leader \(use-lite\/sentence/);
    // A gap of 0.2 (a factor of 1.8) is not.
    const weak = report(0.2);
    expect(weak.recommendation).toMatchObject({
      id: "use-lite/sentence",
      decidedBy: "current-kept",
    });
    expect(weak.recommendation?.reason).toMatch(/log Bayes factor 1\.80, under 3/);
    // Just under the threshold (2.997) it reads so, not rounded up to "3.0, under 3".
    expect(report(0.333).recommendation?.reason).toMatch(/log Bayes factor 2\.99, under 3/);
    // With no current backbone, LogME ranks the near ties even on weak evidence.
    const fresh = report(0.2, { backbone: "", layer: "" });
    expect(fresh.recommendation?.decidedBy).toBe("logme-among-unresolved");
    expect(fresh.recommendation?.id).toBe("use-lite/encoder-mean");
  });
});
