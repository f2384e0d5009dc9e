/**
 * Selection's fusion candidate, from measured candidates (no backbones run): the two best single
 * candidates that can be fused, ranked next to them at their summed cost; and the fusion rules.
 */

import { describe, expect, it } from "vitest";
import { foldStatistic } from "../../../adapters/selection";
import type { BackboneRuntime } from "../../../models";
import { fuse } from "../../../models/fusion";
import {
  availability,
  type Candidate,
  candidatesFor,
  fusionAvailability,
} from "../../../src/selection/candidates";
import { fusionCandidates } from "../../../src/selection/fusion-candidate";
import type { CandidateMeasurement } from "../../../src/selection/measure-candidate";
import {
  type CandidateReport,
  describeCandidate,
  selectionReport,
} from "../../../src/selection/selection-report";
import { manifestOf } from "../../fixtures/manifests";

const lexical = manifestOf("lexical");
const useLite = manifestOf("use-lite");
const textCandidates = candidatesFor([lexical, useLite], "text");
const candidate = (id: string) => textCandidates.find((c) => c.id === id) as Candidate;
const carried = ["tfjs-graph", "lexical"] as const;

function measured(macroF1: number, latencyMsPerItem: number): CandidateMeasurement {
  const folds = [macroF1, macroF1, macroF1];
  return {
    crossValidation: {
      folds: 3,
      repeats: 1,
      perFold: folds.map((f1) => ({ accuracy: f1, macroF1: f1 })),
      accuracy: foldStatistic(folds, 3),
      macroF1: foldStatistic(folds, 3),
    },
    logME: 0,
    prototypeLeaveOneOutAccuracy: 0.5,
    latencyMsPerItem,
    embedMs: 30 * latencyMsPerItem,
    wasmHeapBytes: 0,
  };
}

function reportOf(
  c: Candidate,
  macroF1: number,
  latencyMsPerItem: number,
  runtimes: readonly BackboneRuntime[] = carried,
): CandidateReport {
  const status = { status: "measured" as const, error: null };
  return describeCandidate(
    c,
    availability(c.manifest, runtimes),
    status,
    measured(macroF1, latencyMsPerItem),
  );
}

/** The measured report of candidate `id` among `candidates`, at an image backbone's latency. */
function imageReport(
  candidates: Candidate[],
  id: string,
  macroF1: number,
  runtimes: readonly BackboneRuntime[],
): CandidateReport {
  return reportOf(candidates.find((c) => c.id === id) as Candidate, macroF1, 90, runtimes);
}

/** 30 samples of two labels, for an adapter on use-lite/sentence. */
const ON_USE_LITE = {
  modality: "text" as const,
  current: { backbone: "use-lite", layer: "sentence" },
  samples: Array(30),
  stored: 30,
};

describe("fusion candidate", () => {
  it("fuses the two best measured candidates and ranks the fusion at their summed cost", () => {
    const singles = [
      reportOf(candidate("use-lite/encoder-mean"), 0.6, 5),
      reportOf(candidate("lexical/ngrams"), 0.9, 0.2),
      reportOf(candidate("use-lite/sentence"), 0.85, 6),
    ];
    const [fused, ...others] = fusionCandidates(textCandidates, singles, carried, null);
    expect(others).toEqual([]);
    expect(fused).toMatchObject({
      id: "lexical/ngrams+use-lite/sentence",
      backbone: "lexical+use-lite",
      layer: "ngrams+sentence",
      dim: lexical.output.dim + useLite.output.dim,
    });
    expect(fused?.fusion?.fusion.blocks).toEqual([lexical.output.dim, useLite.output.dim]);
    if (!fused?.fusion) throw new Error("no fusion");

    const available = fusionAvailability(fused.fusion.fusion, carried);
    expect(available.available).toBe(true);
    expect(available.estimatedPeakBytes).toBe(
      availability(lexical, carried).estimatedPeakBytes +
        availability(useLite, carried).estimatedPeakBytes,
    );
    const fusedReport = describeCandidate(
      fused,
      available,
      { status: "measured", error: null },
      measured(0.97, 6.2),
    );
    expect(fusedReport.sizeBytes).toBe(lexical.sizeBytes + useLite.sizeBytes);
    expect(fusedReport.runtimes.map((r) => r.backbone)).toEqual(["lexical", "use-lite"]);

    const report = selectionReport(ON_USE_LITE, ["a", "b"], [...singles, fusedReport], 1);
    expect(report.candidates[0]?.id).toBe("lexical/ngrams+use-lite/sentence");
    expect(report.recommendation).toMatchObject({
      backbone: "lexical+use-lite",
      layer: "ngrams+sentence",
    });
    // Its own report is not fused again.
    expect(
      fusionCandidates(textCandidates, [...singles, fusedReport], carried, null).map((c) => c.id),
    ).toEqual([fused?.id]);
  });

  it("also measures the adapter's own fusion, under its id, so that selection can keep it", () => {
    const own = fuse([{ manifest: lexical }, { manifest: useLite, layer: "encoder-mean" }]);
    const singles = [
      reportOf(candidate("use-lite/encoder-mean"), 0.6, 5),
      reportOf(candidate("lexical/ngrams"), 0.9, 0.2),
      reportOf(candidate("use-lite/sentence"), 0.85, 6),
    ];
    const fusions = fusionCandidates(textCandidates, singles, carried, own);
    expect(fusions.map((c) => [c.id, c.backbone])).toEqual([
      ["lexical/ngrams+use-lite/sentence", "lexical+use-lite"],
      ["lexical/ngrams+use-lite/encoder-mean", "lexical+use-lite:encoder-mean"],
    ]);
    const [, ownCandidate] = fusions;
    if (!ownCandidate) throw new Error("no fusion of the adapter's");
    const ownReport = describeCandidate(
      ownCandidate,
      fusionAvailability(own, carried),
      { status: "measured", error: null },
      measured(0.88, 5.2),
    );
    // 2 pts below the leader, within the tie tolerance of 30 samples (1/30), and LogME is equal: kept.
    const report = selectionReport(
      { ...ON_USE_LITE, current: { backbone: own.id, layer: "ngrams+encoder-mean" } },
      ["a", "b"],
      [...singles, ownReport],
      1,
    );
    expect(report.recommendation).toMatchObject({
      backbone: "lexical+use-lite:encoder-mean",
      decidedBy: "current-kept",
    });
  });

  it("measures one fusion when the best two are the adapter's own parts, under the adapter's id", () => {
    const own = fuse([{ manifest: useLite, layer: "encoder-mean" }, { manifest: lexical }]);
    const singles = [
      reportOf(candidate("use-lite/encoder-mean"), 0.8, 5),
      reportOf(candidate("lexical/ngrams"), 0.9, 0.2),
      reportOf(candidate("use-lite/sentence"), 0.6, 6),
    ];
    expect(
      fusionCandidates(textCandidates, singles, carried, own).map((c) => [c.id, c.backbone]),
    ).toEqual([["use-lite/encoder-mean+lexical/ngrams", "use-lite:encoder-mean+lexical"]]);
    // Parts the selection does not measure (a request naming other backbones): no fusion of its own.
    const onlyUseLite = textCandidates.filter((c) => c.backbone === "use-lite");
    const useLiteReports = singles.filter((r) => r.backbone === "use-lite");
    expect(
      fusionCandidates(onlyUseLite, useLiteReports, carried, own).map((c) => c.backbone),
    ).toEqual(["use-lite:encoder-mean+use-lite"]);
  });

  it("passes over the best pair when its networks' wasm heaps would not fit one isolate together", () => {
    const imageCarried = ["tfjs-graph", "tfjs-layers"] as const;
    const wide = manifestOf("mobilenet-v2");
    const narrow = manifestOf("mobilenet-v2-100");
    const images = candidatesFor([wide, narrow], "image");
    const report = (id: string, macroF1: number) => imageReport(images, id, macroF1, imageCarried);
    // The two best are one of each network (89 + 100 MB of heap): the next pair is one network's.
    const reports = [
      report("mobilenet-v2/block16-grid", 0.9),
      report("mobilenet-v2-100/block16-grid", 0.89),
      report("mobilenet-v2/pooled", 0.8),
    ];
    const both = fuse([
      { manifest: wide, layer: "block16-grid" },
      { manifest: narrow, layer: "block16-grid" },
    ]);
    const refusal = fusionAvailability(both, imageCarried);
    expect(refusal.available).toBe(false);
    expect(refusal.reasons.join()).toMatch(/wasm heaps of mobilenet-v2 and mobilenet-v2-100/);
    expect(fusionCandidates(images, reports, imageCarried, null)[0]?.id).toBe(
      "mobilenet-v2/block16-grid+mobilenet-v2/pooled",
    );
  });

  it("passes over a second pooling of the tensor the best candidate reads, for another depth", () => {
    const mobilenet = manifestOf("mobilenet-v2");
    const images = candidatesFor([mobilenet], "image");
    const report = (layer: string, macroF1: number) =>
      imageReport(images, `mobilenet-v2/${layer}`, macroF1, ["tfjs-graph"]);
    // block16's grids and its global average all pool one 7×7 map.
    const reports = [
      report("block16-grid", 0.9),
      report("block16-grid-2x2", 0.89),
      report("block16", 0.88),
      report("block12", 0.8),
    ];
    expect(fusionCandidates(images, reports, ["tfjs-graph"], null)[0]?.id).toBe(
      "mobilenet-v2/block16-grid+mobilenet-v2/block12",
    );
  });

  it("says nothing of too few samples when cross-validation decided on a small pool", () => {
    const report = selectionReport(
      ON_USE_LITE,
      ["a", "b"],
      [
        reportOf(candidate("lexical/ngrams"), 0.95, 0.2),
        reportOf(candidate("use-lite/sentence"), 0.5, 6),
      ],
      1,
    );
    expect(report.recommendation?.decidedBy).toBe("cross-validation");
    expect(report.notes.join(" ")).not.toMatch(/too few samples/);
  });

  it("needs two measured candidates that fuse", () => {
    const failed = describeCandidate(
      candidate("use-lite/sentence"),
      availability(useLite, carried),
      { status: "failed", error: "boom" },
    );
    expect(
      fusionCandidates(
        textCandidates,
        [reportOf(candidate("lexical/ngrams"), 0.9, 0.2), failed],
        carried,
        null,
      ),
    ).toEqual([]);
  });

  it("fuses two layers of one backbone but refuses a block twice, mixed modalities and three parts", () => {
    const mobilenet = manifestOf("mobilenet-v2");
    const layers = fuse([
      { manifest: mobilenet, layer: "pooled" },
      { manifest: mobilenet, layer: "block12" },
    ]);
    expect(layers.id).toBe(
      mobilenet.output.layer === "pooled"
        ? "mobilenet-v2+mobilenet-v2:block12"
        : "mobilenet-v2:pooled+mobilenet-v2:block12",
    );
    expect(layers.weightsHash).toBe(`${mobilenet.weightsHash}+${mobilenet.weightsHash}`);
    expect(() => fuse([{ manifest: lexical }, { manifest: lexical }])).toThrow(/both parts/);
    expect(() => fuse([{ manifest: lexical }, { manifest: mobilenet }])).toThrow(/same inputs/);
    expect(() =>
      fuse([{ manifest: lexical }, { manifest: useLite }, { manifest: mobilenet }]),
    ).toThrow(/2 to 2 parts/);
  });

  it("refuses a fusion whose weights do not fit the isolate together", () => {
    // MobileNetV2 1.4 on both of its runtimes fits alone; two such backbones do not.
    const auto = manifestOf("mobilenet-v2-auto");
    const twin = { ...auto, id: "mobilenet-v2-twin", weightsHash: "f".repeat(64) };
    const all = ["tfjs-graph", "onnx"] as const;
    expect(availability(auto, all).available).toBe(true);
    const verdict = fusionAvailability(fuse([{ manifest: auto }, { manifest: twin }]), all);
    expect(verdict.available).toBe(false);
    expect(verdict.reasons.join(" ")).toMatch(/mobilenet-v2-auto and mobilenet-v2-twin together/);
    expect(verdict.estimatedPeakBytes).toBe(2 * availability(auto, all).estimatedPeakBytes);
  });
});
