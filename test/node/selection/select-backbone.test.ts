/**
 * Selection end to end on the Node host with the real backbones, through the selection job's own
 * steps (selection-run.ts) in process: the text candidates (use-lite's cut layers and the lexical
 * baseline), the fusion of the best two and the adapter's own are all measured and ranked on 90 labelled sentences,
 * and the report is complete; the image candidates are the two MobileNetV2s' cut layers and a
 * fusion, with InceptionV3 reported as unavailable, and the leading one with a top unfrozen.
 */

import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";
import { LATENCY_PASS } from "../../../src/selection/embed-raw";
import { selectBackbone, selectionCandidates } from "../../../src/selection/select-backbone";
import { picturePng } from "../../fixtures/pictures";
import { FIXTURES } from "../adapters/helpers";

const fixture = JSON.parse(readFileSync(new URL("embeddings.json", FIXTURES), "utf8")) as {
  samples: { label: string; text: string }[];
};

/** A text selection on the fixture's sentences, for an adapter on use-lite/sentence. */
const textSelection = {
  modality: "text" as const,
  current: { backbone: "use-lite", layer: "sentence" },
  samples: fixture.samples.map(({ label, text }) => ({
    label,
    raw: { kind: "text" as const, text },
  })),
  request: { seed: 1 },
};

describe("selectBackbone", () => {
  it("ranks every text candidate on the samples, with the Pareto front and a recommendation", async () => {
    const pool = new BackbonePool(await nodeHost());
    const embedLayers = vi.spyOn(pool, "embedLayers");
    const fractions: number[] = [];
    const report = await selectBackbone({
      pool,
      ...textSelection,
      onProgress: (fraction) => {
        fractions.push(fraction);
      },
    });
    const textCandidates = pool
      .manifests()
      .filter((m) => m.modality === "text")
      .flatMap((m) => m.cutLayers.map((layer) => `${m.id}/${layer.name}`));
    const singles = report.candidates.filter((c) => !c.backbone.includes("+"));
    expect(singles.map((c) => c.id).sort()).toEqual(textCandidates.sort());
    // The fusion of the two best singles by CV macro-F1, at their summed latency (two layers of one
    // network: one pass, the slower layer's).
    const fused = report.candidates.filter((c) => c.backbone.includes("+"));
    expect(fused).toHaveLength(1);
    const byF1 = [...singles].sort(
      (a, b) =>
        (b.metrics?.crossValidatedMacroF1.mean ?? 0) - (a.metrics?.crossValidatedMacroF1.mean ?? 0),
    );
    expect(fused[0]?.id.split("+").sort()).toEqual(
      byF1
        .slice(0, 2)
        .map((c) => c.id)
        .sort(),
    );
    const [best, second] = byF1.map((c) => ({
      backbone: c.backbone,
      ms: c.metrics?.latencyMsPerItem ?? 0,
    }));
    expect(fused[0]?.metrics?.latencyMsPerItem).toBeCloseTo(
      best?.backbone === second?.backbone
        ? Math.max(best?.ms ?? 0, second?.ms ?? 0)
        : (best?.ms ?? 0) + (second?.ms ?? 0),
      6,
    );
    expect(report.candidates.every((c) => c.status === "measured")).toBe(true);
    expect(report.candidates.map((c) => c.rank)).toEqual(report.candidates.map((_, i) => i + 1));
    for (const candidate of report.candidates) {
      expect(candidate.metrics?.folds).toBe(5);
      expect(Number.isFinite(candidate.metrics?.logME)).toBe(true);
    }
    // On 90 short sentences the pretrained encoder beats the lexical baseline by a wide margin.
    for (const candidate of report.candidates.filter((c) => c.backbone === "use-lite")) {
      expect(candidate.metrics?.crossValidatedMacroF1.mean).toBeGreaterThan(0.8);
      expect(candidate.metrics?.prototypeLeaveOneOutAccuracy).toBeGreaterThan(0.8);
    }
    expect(singles.at(-1)?.backbone).toBe("lexical");
    expect(report.recommendation?.id).toBe(report.candidates[0]?.id);
    expect(report.paretoFront.length).toBeGreaterThan(0);
    expect(report.labels).toEqual(["cooking", "finance", "sports"]);
    // The progress moves within a candidate too (it sat at 0 % while the first one embedded the
    // pool), and never back.
    expect(new Set(fractions).size).toBeGreaterThan(2 * report.candidates.length);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    // use-lite runs over the samples once (after a one-input warm-up) for both its cut layers; a
    // layer alone only in the passes of 2 that time it.
    const useLiteInputs = (layers: number) =>
      embedLayers.mock.calls
        .filter(([id, , asked]) => id === "use-lite" && asked.length === layers)
        .map(([, inputs]) => inputs.length);
    expect(useLiteInputs(2).reduce((sum, n) => sum + n, 0)).toBe(1 + report.samples);
    expect(Math.max(...useLiteInputs(1))).toBeLessThanOrEqual(LATENCY_PASS);
    // Every candidate is embedded and cross-validated, then the fusion and the top unfrozen: long on a loaded host.
  }, 240_000);

  it("measures the adapter's own fusion beside the best two's, and leaves it for a clearly better one", async () => {
    const pool = new BackbonePool(await nodeHost());
    const current = { backbone: "lexical+use-lite:encoder-mean", layer: "ngrams+encoder-mean" };
    const report = await selectBackbone({ pool, ...textSelection, current });
    const fusions = report.candidates.filter((c) => c.backbone.includes("+"));
    expect(fusions.map((c) => c.status)).toEqual(["measured", "measured"]);
    const own = fusions.find((c) => c.backbone === current.backbone);
    expect(own).toMatchObject({ id: "lexical/ngrams+use-lite/encoder-mean", layer: current.layer });
    // The best two by CV on these sentences are use-lite's layers: their fusion is the other one.
    expect(fusions.find((c) => c !== own)?.backbone).toBe("use-lite+use-lite:encoder-mean");
    // Every use-lite candidate and both fusions score 1.0 in every fold, a near tie, and LogME's
    // evidence for sentence over the adapter's fusion is strong (90 × 0.41 nats): it moves.
    expect(own?.metrics?.crossValidatedMacroF1.mean).toBe(1);
    expect(report.recommendation).toMatchObject({
      backbone: "use-lite",
      layer: "sentence",
      decidedBy: "logme-among-unresolved",
    });
  }, 120_000);

  it("reports a layer that fails in a shared pass as its own failure, not the layers it rode with", async () => {
    const pool = new BackbonePool(await nodeHost());
    const [sentence, encoderMean] = selectionCandidates(pool, "text", { backbones: ["use-lite"] });
    if (!sentence || !encoderMean) throw new Error("use-lite has two cut layers");
    // A layer the network does not have: the pass it shares with `sentence` fails.
    const missing = { ...sentence, id: "use-lite/missing", layer: "missing" };
    const report = await selectBackbone({
      pool,
      ...textSelection,
      candidates: [sentence, missing, encoderMean],
    });
    const statusOf = (id: string) => report.candidates.find((c) => c.id === id);
    expect(statusOf("use-lite/sentence")?.status).toBe("measured");
    expect(statusOf("use-lite/encoder-mean")?.status).toBe("measured");
    expect(statusOf("use-lite/missing")).toMatchObject({
      status: "failed",
      error: expect.stringContaining('no cut layer "missing"'),
    });
  }, 120_000);

  it("ranks both MobileNetV2s' cut layers on images and reports InceptionV3 as unavailable", async () => {
    const pool = new BackbonePool(await nodeHost());
    // Two visibly different kinds of picture (pictures.ts): 4 each, in two sizes.
    const samples = [0, 1, 2, 3].flatMap((seed) => [
      { label: "small", raw: { kind: "image" as const, bytes: picturePng(48, 40, seed) } },
      { label: "wide", raw: { kind: "image" as const, bytes: picturePng(160, 60, seed + 4) } },
    ]);
    const report = await selectBackbone({
      pool,
      modality: "image",
      current: { backbone: "mobilenet-v2", layer: "pooled" },
      samples,
      request: {
        seed: 1,
        backbones: ["mobilenet-v2", "mobilenet-v2-100", "inception-v3"],
        includeFinetune: true,
      },
    });
    const measured = report.candidates.filter((c) => c.status === "measured").map((c) => c.id);
    expect(measured.filter((id) => !id.includes("+")).sort()).toEqual(
      ["mobilenet-v2", "mobilenet-v2-100"]
        .flatMap((id) =>
          (pool.manifests().find((m) => m.id === id)?.cutLayers ?? []).map(
            (l) => `${id}/${l.name}`,
          ),
        )
        .sort(),
    );
    expect(measured.filter((id) => id.includes("+"))).toHaveLength(1);
    const inception = report.candidates.filter((c) => c.backbone === "inception-v3");
    expect(inception).toHaveLength(3);
    for (const candidate of inception) {
      expect(candidate).toMatchObject({ status: "unavailable", metrics: null, rank: null });
      expect(candidate.availability.reasons[0]).toMatch(/128 MiB isolate/);
    }
    expect(report.recommendation?.id).toBe(report.candidates[0]?.id);
    expect(report.candidates[0]?.metrics?.foldMacroF1).toHaveLength(3 * 4);
    // The leading MobileNetV2 at its top's output, with its top unfrozen on the first repeat's folds
    // (the cut activations embedded in process), against its own frozen head on those folds.
    const { finetune } = report;
    expect(finetune).toMatchObject({ status: "measured", error: null });
    const leading = report.candidates
      .filter((c) => c.layer === "pooled" && !c.id.includes("+"))
      .sort(
        (a, b) =>
          (b.metrics?.crossValidatedMacroF1.mean ?? 0) -
          (a.metrics?.crossValidatedMacroF1.mean ?? 0),
      )[0];
    expect(finetune?.candidate).toBe(leading?.id);
    const comparison = finetune?.comparison;
    expect(comparison?.variants[0].foldMacroF1).toEqual(leading?.metrics?.foldMacroF1.slice(0, 4));
    expect(comparison?.recommendation.variant).toBe(
      (comparison?.difference ?? 0) > (comparison?.tieTolerance ?? 0) ? "top-unfrozen" : "frozen",
    );
    // Every candidate is embedded and cross-validated, then the fusion and the top unfrozen: long on a loaded host.
  }, 240_000);

  it("reports a candidate that fails to load and still ranks the others", async () => {
    // A host whose prepared files are missing: use-lite cannot load, lexical needs no files.
    const pool = new BackbonePool(await nodeHost(join(tmpdir(), "no-prepared-models")));
    const report = await selectBackbone({
      pool,
      modality: "text",
      current: { backbone: "use-lite", layer: "sentence" },
      samples: fixture.samples.map(({ label, text }) => ({ label, raw: { kind: "text", text } })),
      request: { folds: 3 },
    });
    expect(report.candidates.map((c) => [c.id, c.status, c.rank])).toEqual([
      ["lexical/ngrams", "measured", 1],
      ["lexical/ngrams-1024", "measured", 2],
      ["use-lite/sentence", "failed", null],
      ["use-lite/encoder-mean", "failed", null],
    ]);
    expect(report.candidates[2]?.error).toMatch(/could not be loaded/);
    expect(report.recommendation?.id).toBe("lexical/ngrams");
    expect(report.notes.join(" ")).toMatch(/2 candidate\(s\) failed/);
  });

  it("says when the modality has a single candidate", async () => {
    const pool = new BackbonePool(await nodeHost());
    const report = await selectBackbone({
      pool,
      modality: "text",
      current: { backbone: "lexical", layer: "ngrams" },
      samples: fixture.samples.map(({ label, text }) => ({ label, raw: { kind: "text", text } })),
      request: { folds: 3, backbones: ["lexical"] },
      candidates: selectionCandidates(pool, "text", { backbones: ["lexical"] }).slice(0, 1),
    });
    expect(report.candidates.map((c) => [c.id, c.rank])).toEqual([["lexical/ngrams", 1]]);
    expect(report.notes.join(" ")).toMatch(/only 1 candidate .* nothing to choose between/);
  });

  it("says when it cross-validated on fewer folds than asked (the smallest label's size)", async () => {
    const pool = new BackbonePool(await nodeHost());
    const three = fixture.samples.filter(
      (sample, i, all) => all.slice(0, i).filter((s) => s.label === sample.label).length < 3,
    );
    const report = await selectBackbone({
      pool,
      modality: "text",
      current: { backbone: "lexical", layer: "ngrams" },
      samples: three.map(({ label, text }) => ({ label, raw: { kind: "text", text } })),
      request: { folds: 10, backbones: ["lexical"] },
    });
    expect(report.candidates[0]?.metrics?.folds).toBe(3);
    expect(report.notes.join(" ")).toMatch(/cross-validated on 3 folds, not the 10 asked for/);
  });

  it("reports an unknown backbone filter as nothing to choose between", async () => {
    const pool = new BackbonePool(await nodeHost());
    const report = await selectBackbone({
      pool,
      modality: "text",
      current: { backbone: "use-lite", layer: "sentence" },
      samples: fixture.samples.map(({ label, text }) => ({ label, raw: { kind: "text", text } })),
      request: { backbones: ["no-such-backbone"] },
    });
    expect(report.candidates).toEqual([]);
    expect(report.recommendation).toBeNull();
    expect(report.notes.join(" ")).toMatch(/nothing to choose between/);
  });
});
