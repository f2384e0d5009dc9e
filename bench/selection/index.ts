/**
 * Backbone selection benchmark: on tasks built from the benchmark data, does selection (run on the
 * few-shot pool only) pick the candidate with the best held-out test accuracy? Selection here is
 * the API job's own process (src/selection/selection-run.ts through selectBackbone): the same
 * candidates, the fusion of the best two and the adapter's own included, the same ranking, from an
 * adapter on the README's starting backbone. Compared with picking the largest model and with picking by LogME
 * alone; and what selection costs relative to embedding the pool once per candidate.
 */

import { mkdir, writeFile } from "node:fs/promises";
import { trainHead } from "../../adapters";
import { BACKBONES, type BackboneManifest } from "../../models";
import { adapterLayerOf } from "../../models/cut-layer";
import { type Fusion, fuse, fusionLayers } from "../../models/fusion";
import type { RawInput } from "../../src/runtime/backbone-inputs";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import { availability, backboneRefOf, type Candidate } from "../../src/selection/candidates";
import { embedRaw, layersTarget } from "../../src/selection/embed-raw";
import { fusionCandidates } from "../../src/selection/fusion-candidate";
import { MemoryVectorSets } from "../../src/selection/memory-vectors";
import { selectBackbone, selectionCandidates } from "../../src/selection/select-backbone";
import {
  type CandidateReport,
  type SelectionReport,
  selectionReport,
} from "../../src/selection/selection-report";
import { concatenated } from "../../src/selection/selection-run";
import { accuracyDifference, bestStaysWithinRate, type Correctness } from "../stats";
import {
  developmentTasks,
  otherTextTasks,
  type SelectionTask,
  selectionTasks,
  type TaskScale,
} from "./tasks";

const manifestOf = (backbone: string) => BACKBONES[backbone]?.manifest as BackboneManifest;

/**
 * The adapter selection runs for, where the README starts each modality: text on the fusion of
 * lexical's compact layer and use-lite at the layer its adapters start on, images on MobileNetV2 at
 * the layer its adapters start on.
 */
const STARTING_FUSION: Fusion = fuse([
  { manifest: manifestOf("lexical"), layer: "ngrams-1024" },
  { manifest: manifestOf("use-lite"), layer: adapterLayerOf(manifestOf("use-lite")) },
]);
const CURRENT: Record<SelectionTask["modality"], SelectionReport["current"]> = {
  text: { backbone: STARTING_FUSION.id, layer: fusionLayers(STARTING_FUSION) },
  image: { backbone: "mobilenet-v2", layer: adapterLayerOf(manifestOf("mobilenet-v2")) },
};
const CURRENT_FUSION: Record<SelectionTask["modality"], Fusion | null> = {
  text: STARTING_FUSION,
  image: null,
};

/** What the bench makes of one measured candidate of a task. */
interface CandidateResult {
  report: CandidateReport;
  fusion: boolean;
  testAccuracy: number;
  /** Per held-out item, 1 where its head was right and 0 where not (a "0101…" string in the JSON). */
  correctPerItem: Correctness;
}

/** Every task's measurements and held-out accuracies, to study the ranking without re-embedding. */
const measurementsOf = (scale: string) =>
  new URL(`../data/selection-measurements-${scale}.json`, import.meta.url);

const benchmarkTasks = (scale: TaskScale) => () => selectionTasks(scale);

/**
 * The benchmark at two sizes, the development tasks a rule is checked on first, and text tasks from
 * other corpora (tasks.ts).
 */
const SCALES: Record<string, () => Promise<SelectionTask[]>> = {
  small: benchmarkTasks({
    textShots: [8],
    textTestPerClass: 40,
    imageShots: [8],
    imageTestPerClass: 20,
  }),
  full: benchmarkTasks({
    textShots: [8, 32, 128],
    textTestPerClass: 300,
    imageShots: [8, 32],
    imageTestPerClass: 200,
  }),
  dev: developmentTasks,
  text: async () => otherTextTasks(),
};

export async function benchSelection(
  scaleName = process.env.BENCH_SELECTION_SCALE ?? "full",
): Promise<string> {
  const scale = SCALES[scaleName];
  if (!scale)
    throw new Error(`unknown scale ${scaleName}; known: ${Object.keys(SCALES).join(", ")}`);
  const pool = new BackbonePool(await nodeHost());
  const tasks = await scale();
  const measurementsFile = measurementsOf(scaleName);
  await mkdir(new URL(".", measurementsFile), { recursive: true });
  const testVectors = new TestVectors(pool, [
    ...selectionCandidates(pool, "image", {}),
    ...selectionCandidates(pool, "text", {}),
  ]);
  const rows: string[] = [];
  const measurements: {
    task: string;
    modality: SelectionTask["modality"];
    /** Pool size: LogME's scale in the ranking. */
    samples: number;
    current: SelectionReport["current"];
    results: CandidateResult[];
  }[] = [];
  const summary = {
    tasks: 0,
    pickWithin1pt: 0,
    freshPickWithin1pt: 0,
    fusionBest: 0,
    fusionPicked: 0,
    pickNotMeasurablyBelow: 0,
    accuracy: { selection: 0, best: 0 },
    noiseCeiling: 0,
    regret: { selection: 0, fresh: 0, size: 0, logME: 0 },
    selectionMs: 0,
    embedOnceMs: 0,
  };
  for (const task of tasks) {
    console.error(`selection bench: ${task.name}`);
    const vectors = new MemoryVectorSets();
    const singles = selectionCandidates(pool, task.modality, {});
    const samples = task.train.inputs.map((raw, i) => ({
      raw,
      label: task.train.labels[i] as string,
    }));
    const current = CURRENT[task.modality];
    const report = await selectBackbone({
      pool,
      modality: task.modality,
      current,
      samples,
      request: {},
      vectors,
      onProgress: (_, message) => console.error(`selection bench: ${task.name}: ${message}`),
    });
    // The same measurements ranked for an adapter with no current backbone to keep.
    const fresh = selectionReport(
      {
        modality: task.modality,
        current: { backbone: "", layer: "" },
        samples,
        stored: samples.length,
      },
      report.labels,
      structuredClone(report.candidates),
      report.selectionMs,
    );
    const fusions = fusionCandidates(
      singles,
      report.candidates,
      pool.runtimes,
      CURRENT_FUSION[task.modality],
    );
    const results: CandidateResult[] = [];
    for (const candidate of [...singles, ...fusions]) {
      const measured = report.candidates.find((c) => c.id === candidate.id);
      if (!measured?.metrics) continue;
      console.error(`selection bench: ${task.name}: held-out accuracy of ${candidate.id}`);
      const correct = await heldOutCorrectness(candidate, vectors, task, testVectors);
      results.push({
        report: measured,
        fusion: candidate.fusion !== undefined,
        testAccuracy: correct.reduce((sum, right) => sum + right, 0) / correct.length,
        correctPerItem: correct,
      });
    }
    measurements.push({
      task: task.name,
      modality: task.modality,
      samples: samples.length,
      current,
      results,
    });
    await writeFile(measurementsFile, JSON.stringify(measurements, itemsAsDigits));
    const best = Math.max(...results.map((r) => r.testAccuracy));
    const byId = (id: string | undefined) => {
      const found = results.find((r) => r.report.id === id);
      if (!found) throw new Error(`selection bench: ${task.name}: no result for ${id}`);
      return found;
    };
    const selected = byId(report.recommendation?.id);
    const freshPick = byId(fresh.recommendation?.id);
    // The largest single model: a fusion is two of them, not a model one would pick by size.
    const bySize = results
      .filter((r) => !r.fusion)
      .reduce((a, b) => (b.report.sizeBytes > a.report.sizeBytes ? b : a));
    const byLogME = results.reduce((a, b) =>
      (b.report.metrics?.logME ?? 0) > (a.report.metrics?.logME ?? 0) ? b : a,
    );
    // Embedding the pool once per single candidate, each at its measured latency.
    const singlesEmbedMs = results
      .filter((r) => !r.fusion)
      .reduce((sum, r) => sum + (r.report.metrics?.latencyMsPerItem ?? 0) * samples.length, 0);
    summary.tasks++;
    if (best - selected.testAccuracy <= 0.01) summary.pickWithin1pt++;
    if (best - freshPick.testAccuracy <= 0.01) summary.freshPickWithin1pt++;
    if (results.some((r) => r.fusion && r.testAccuracy === best)) summary.fusionBest++;
    if (selected.fusion) summary.fusionPicked++;
    const bestResult = results.find((r) => r.testAccuracy === best) as CandidateResult;
    const shortfall = accuracyDifference(selected.correctPerItem, bestResult.correctPerItem);
    if (best - selected.testAccuracy <= 0.01 || shortfall.low <= 0)
      summary.pickNotMeasurablyBelow++;
    summary.noiseCeiling += bestStaysWithinRate(
      results.map((r) => r.correctPerItem),
      0.01,
    );
    summary.regret.selection += best - selected.testAccuracy;
    summary.accuracy.selection += selected.testAccuracy;
    summary.accuracy.best += best;
    summary.regret.fresh += best - freshPick.testAccuracy;
    summary.regret.size += best - bySize.testAccuracy;
    summary.regret.logME += best - byLogME.testAccuracy;
    summary.selectionMs += report.selectionMs;
    summary.embedOnceMs += singlesEmbedMs;
    const pick = (r: CandidateResult, note = "") =>
      `${r.report.id} (${pct(best - r.testAccuracy)}${note})`;
    const interval = `; 95 % CI ${pct(shortfall.low)} to ${pct(shortfall.high)}`;
    rows.push(
      `| ${task.name} | ${task.train.labels.length} | ${results.map(describe).join("<br>")} | ${pick(selected, interval)}, ${report.recommendation?.decidedBy} | ${pick(freshPick)}, ${fresh.recommendation?.decidedBy} | ${pick(bySize)} | ${pick(byLogME)} | ${(report.selectionMs / singlesEmbedMs).toFixed(1)}× |`,
    );
  }
  const n = summary.tasks;
  return [
    "## Backbone selection",
    "",
    `\`BENCH_SELECTION_SCALE=${scaleName} npm run bench -- selection\`. Each task: a few-shot pool per class (all that selection sees, uploaded as texts or PNG files) and a disjoint held-out test set. Selection is the API job's own process run in process (selectBackbone → src/selection/selection-run.ts): every candidate a Worker isolate can hold, measured on the pool (5-fold CV macro-F1 of the logistic head repeated 3 times, LogME, prototype leave-one-out), then the fusions (**fusion**, at their parts' summed latency and memory): the two best by CV macro-F1 that read different tensors, and the adapter's own when it is on one, ranked by adapters/selection/ranking.ts (cross-validation where its folds separate the candidates, LogME among those they cannot; "decided by" names which) for an adapter on ${CURRENT.text.backbone} (text) or ${CURRENT.image.backbone}/${CURRENT.image.layer} (image), the README's starting backbones, which it keeps unless another candidate is clearly better. Per candidate: held-out test accuracy of the logistic head trained by the API's protocol (trainHead) on the pool. Picks (regret: points below the best held-out candidate): selection; the same ranking for a fresh adapter with no current backbone; the largest single model (size ranking); the highest LogME. Cost: selection's compute time over the time of embedding the pool once per single candidate at its latency (each candidate timed at its layer alone on 6 samples, its fastest forward pass counting; selection embeds each network's layers in one pass).`,
    "",
    `Not measured, as selection itself leaves them out: ${unavailableBackbones(pool)}.`,
    "",
    "| task | pool | held-out accuracy per candidate | selection pick (regret; 95 % CI of it), decided by | no current backbone (regret), decided by | largest model (regret) | LogME pick (regret) | selection / embed once |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Over ${n} tasks: selection's pick is within 1 pt of the best candidate in ${summary.pickWithin1pt}/${n} (${pct(summary.pickWithin1pt / n)}); with no current backbone to keep, ${summary.freshPickWithin1pt}/${n} (${pct(summary.freshPickWithin1pt / n)}). Mean regret: selection ${pct(summary.regret.selection / n)}, no current backbone ${pct(summary.regret.fresh / n)}, largest model ${pct(summary.regret.size / n)}, LogME alone ${pct(summary.regret.logME / n)}. Mean held-out accuracy of selection's pick ${pct(summary.accuracy.selection / n)}, of the best candidate ${pct(summary.accuracy.best / n)}. The fusion is the best held-out candidate in ${summary.fusionBest}/${n} tasks and selection's pick in ${summary.fusionPicked}/${n}. Selection cost ${(summary.selectionMs / summary.embedOnceMs).toFixed(1)}× embedding the pools once per candidate.`,
    "",
    `Test-set noise: selection's pick is within 1 pt of the best or not measurably below it (the paired bootstrap's 95 % interval of its shortfall reaches 0) in ${summary.pickNotMeasurablyBelow}/${n}. A pick that knew the best held-out candidate would stay within 1 pt of the best on another draw of each test set (bootstrap) in ${summary.noiseCeiling.toFixed(1)}/${n} tasks on average (${pct(summary.noiseCeiling / n)}): the ceiling the test sets' size leaves the within-1-pt count.`,
    "",
    "Fixed starts: the candidate an adapter would be served from if it stayed there whatever its pool says (each one measured in every task of its modality), against the best held-out candidate of each task:",
    "",
    "| modality | start | tasks | within 1 pt | mean regret | mean held-out accuracy |",
    "|---|---|---|---|---|---|",
    ...fixedStarts(measurements),
    "",
  ].join("\n");
}

/** Per modality, each candidate measured in all its tasks as if always served: least regret first. */
function fixedStarts(
  measurements: { modality: SelectionTask["modality"]; results: CandidateResult[] }[],
): string[] {
  return (["text", "image"] as const).flatMap((modality) => {
    const tasks = measurements.filter((m) => m.modality === modality);
    const starts = (tasks[0]?.results ?? []).flatMap(({ report: { id } }) => {
      const regrets: number[] = [];
      const accuracies: number[] = [];
      for (const { results } of tasks) {
        const accuracy = results.find((r) => r.report.id === id)?.testAccuracy;
        if (accuracy === undefined) return [];
        accuracies.push(accuracy);
        regrets.push(Math.max(...results.map((r) => r.testAccuracy)) - accuracy);
      }
      const n = tasks.length;
      const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / n;
      const within = regrets.filter((regret) => regret <= 0.01).length;
      const line = `| ${modality} | ${id} | ${n} | ${within}/${n} | ${pct(mean(regrets))} | ${pct(mean(accuracies))} |`;
      return [{ line, regret: mean(regrets) }];
    });
    return starts.sort((a, b) => a.regret - b.regret).map((start) => start.line);
  });
}

function describe(r: CandidateResult): string {
  const m = r.report.metrics;
  if (!m) return r.report.id;
  const name = r.fusion ? `**fusion ${r.report.id}**` : r.report.id;
  return `${name} ${pct(r.testAccuracy)} (CV F1 ${pct(m.crossValidatedMacroF1.mean)}, LogME ${m.logME.toFixed(3)}, proto LOO ${pct(m.prototypeLeaveOneOutAccuracy)})`;
}

function pct(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}

function unavailableBackbones(pool: BackbonePool): string {
  const refused = pool
    .manifests()
    .map((manifest) => ({ id: manifest.id, ...availability(manifest, pool.runtimes) }))
    .filter((entry) => !entry.available);
  return refused.map((entry) => `${entry.id} (${entry.reasons.join("; ")})`).join(", ") || "none";
}

/** JSON.stringify's replacer: per-item correctness as one "0101…" string, not an object of indices. */
const itemsAsDigits = (_key: string, value: unknown) =>
  value instanceof Uint8Array ? value.join("") : value;

/**
 * Per held-out item, whether the head the API's protocol trains on the candidate's pool vectors
 * (those selection embedded) gets it right, the test inputs embedded the same way.
 */
async function heldOutCorrectness(
  candidate: Candidate,
  vectors: MemoryVectorSets,
  task: SelectionTask,
  testVectors: TestVectors,
): Promise<Correctness> {
  const { head } = await trainHead({
    headType: "logistic",
    backbone: backboneRefOf(candidate),
    samples: vectors.readVectors(candidate.id).map((sample) => ({
      features: sample.vector,
      label: sample.label,
      hash: sample.hash,
    })),
  });
  const predictions = head.predict(await testVectors.of(candidate, task.test.inputs));
  return Uint8Array.from(predictions, (p, i) => (p.label === task.test.labels[i] ? 1 : 0));
}

/**
 * Held-out test vectors per candidate, kept across tasks (they share inputs); never part of a timed
 * figure. A fusion's are its parts', side by side, as selection fuses the pool's. Inputs a candidate
 * misses are embedded at every layer of its network in one pass, as selection embeds the pool.
 */
class TestVectors {
  private readonly byCandidate = new Map<string, WeakMap<RawInput, Float32Array>>();

  constructor(
    private readonly pool: BackbonePool,
    private readonly singles: Candidate[],
  ) {}

  async of(candidate: Candidate, inputs: RawInput[]): Promise<Float32Array[]> {
    const { fusion } = candidate;
    if (fusion) {
      const [first, second] = await Promise.all(fusion.parts.map((part) => this.of(part, inputs)));
      return (first ?? []).map((vector, i) =>
        concatenated(vector, (second ?? [])[i] as Float32Array),
      );
    }
    const missing = inputs.filter((input) => !this.cache(candidate).has(input));
    if (missing.length > 0) {
      const network = this.singles.filter((other) => other.backbone === candidate.backbone);
      const { vectors } = await embedRaw(this.pool, layersTarget(network), missing);
      for (const [k, layer] of network.entries()) {
        const cache = this.cache(layer);
        for (const [i, input] of missing.entries())
          cache.set(input, vectors[k]?.[i] as Float32Array);
      }
    }
    const cache = this.cache(candidate);
    return inputs.map((input) => cache.get(input) as Float32Array);
  }

  private cache(candidate: Candidate): WeakMap<RawInput, Float32Array> {
    const cache = this.byCandidate.get(candidate.id) ?? new WeakMap<RawInput, Float32Array>();
    this.byCandidate.set(candidate.id, cache);
    return cache;
  }
}
