/**
 * Backbone selection benchmark: on tasks built from the benchmark data, does selection (run on the
 * few-shot pool only) pick the candidate with the best held-out test accuracy? Compared with picking
 * the largest model and with picking by LogME alone; and what selection costs relative to embedding
 * the pool once per candidate. Candidates: what selection itself measures, i.e. every registered
 * backbone/cut layer of the modality that a Worker isolate can hold (src/selection/candidates.ts),
 * the lexical hashed n-gram baseline included for text, on the Node host.
 */

import { trainHead } from "../../adapters";
import { rankCandidates } from "../../adapters/selection";
import type { BackboneInput } from "../../models";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import {
  availability,
  candidatesFor,
  onePerWeights,
  weightsPeakBytes,
} from "../../src/selection/candidates";
import { scoreEmbeddings } from "../../src/selection/measure-candidate";
import { type SelectionTask, selectionTasks, type TaskScale } from "./tasks";

const BATCH = 32;

/** A way to embed inputs, with what the ranking and the size baseline need to know about it. */
interface BenchCandidate {
  id: string;
  sizeBytes: number;
  memoryBytes: number;
  weightsHash: string;
  embed(inputs: BackboneInput[]): Promise<Float32Array[]>;
  /** Held-out test vectors, kept across tasks (they share images); never part of a timed figure. */
  testVectors: WeakMap<BackboneInput, Float32Array>;
}

interface CandidateResult {
  id: string;
  testAccuracy: number;
  cvMacroF1: number;
  cvMacroF1StandardError: number;
  foldMacroF1: number[];
  folds: number;
  logME: number;
  prototypeLoo: number;
  embedMs: number;
  latencyMsPerItem: number;
  selectionMs: number;
  sizeBytes: number;
  memoryBytes: number;
}

const SCALES: Record<string, TaskScale> = {
  small: { textShots: [8], textTestPerClass: 40, imageShots: [8], imageTestPerClass: 20 },
  full: {
    textShots: [8, 32, 128],
    textTestPerClass: 300,
    imageShots: [8, 32],
    imageTestPerClass: 200,
  },
};

export async function benchSelection(
  scaleName = process.env.BENCH_SELECTION_SCALE ?? "full",
): Promise<string> {
  const scale = SCALES[scaleName];
  if (!scale)
    throw new Error(`unknown scale ${scaleName}; known: ${Object.keys(SCALES).join(", ")}`);
  const pool = new BackbonePool(await nodeHost());
  const tasks = await selectionTasks(scale);
  const candidates = {
    text: benchCandidates(pool, "text"),
    image: benchCandidates(pool, "image"),
  };
  const rows: string[] = [];
  const summary = {
    tasks: 0,
    pickWithin1pt: 0,
    regret: { selection: 0, size: 0, logME: 0 },
    selectionMs: 0,
    embedOnceMs: 0,
  };
  for (const task of tasks) {
    console.error(`selection bench: ${task.name}`);
    const results: CandidateResult[] = [];
    for (const candidate of candidates[task.modality]) {
      results.push(await runCandidate(candidate, task));
    }
    const best = Math.max(...results.map((r) => r.testAccuracy));
    const byId = (id: string | undefined) => results.find((r) => r.id === id) as CandidateResult;
    const selected = byId(
      rankCandidates(
        results.map((r) => ({
          id: r.id,
          macroF1: { mean: r.cvMacroF1, standardError: r.cvMacroF1StandardError },
          foldMacroF1: r.foldMacroF1,
          folds: r.folds,
          latencyMsPerItem: r.latencyMsPerItem,
          sizeBytes: r.sizeBytes,
          memoryBytes: r.memoryBytes,
        })),
      )[0]?.candidate.id,
    );
    const bySize = results.reduce((a, b) => (b.sizeBytes > a.sizeBytes ? b : a));
    const byLogME = results.reduce((a, b) => (b.logME > a.logME ? b : a));
    summary.tasks++;
    if (best - selected.testAccuracy <= 0.01) summary.pickWithin1pt++;
    summary.regret.selection += best - selected.testAccuracy;
    summary.regret.size += best - bySize.testAccuracy;
    summary.regret.logME += best - byLogME.testAccuracy;
    summary.selectionMs += results.reduce((s, r) => s + r.selectionMs, 0);
    summary.embedOnceMs += results.reduce((s, r) => s + r.embedMs, 0);
    rows.push(
      `| ${task.name} | ${task.train.labels.length} | ${results.map((r) => `${r.id} ${pct(r.testAccuracy)} (CV F1 ${pct(r.cvMacroF1)}, LogME ${r.logME.toFixed(3)}, proto LOO ${pct(r.prototypeLoo)})`).join("<br>")} | ${selected.id} (${pct(best - selected.testAccuracy)} below best) | ${bySize.id} (${pct(best - bySize.testAccuracy)}) | ${byLogME.id} (${pct(best - byLogME.testAccuracy)}) | ${(results.reduce((s, r) => s + r.selectionMs, 0) / results.reduce((s, r) => s + r.embedMs, 0)).toFixed(1)}× |`,
    );
  }
  const n = summary.tasks;
  return [
    "## Backbone selection",
    "",
    `\`BENCH_SELECTION_SCALE=${scaleName} npm run bench -- selection\`. Each task: a few-shot pool per class (all that selection sees) and a disjoint held-out test set. Per candidate: held-out test accuracy of the logistic head trained by the standard protocol on the pool; selection's measures on the pool (5-fold CV macro-F1 of the logistic head, repeated 3 times, LogME, prototype leave-one-out). Picks: selection (the ranking rule, adapters/selection/ranking.ts), the largest model (size ranking), the highest LogME. Cost: selection time per candidate (embedding + CV + LogME + LOO) over the time of embedding the pool once.`,
    "",
    `Not measured, as selection itself leaves them out: ${unavailableBackbones(pool)}.`,
    "",
    "| task | pool | held-out accuracy per candidate | selection pick (regret) | largest model (regret) | LogME pick (regret) | selection / embed once |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Over ${n} tasks: selection's pick is within 1 pt of the best candidate in ${summary.pickWithin1pt}/${n} (${pct(summary.pickWithin1pt / n)}); mean regret: selection ${pct(summary.regret.selection / n)}, largest model ${pct(summary.regret.size / n)}, LogME alone ${pct(summary.regret.logME / n)}. Selection cost ${(summary.selectionMs / summary.embedOnceMs).toFixed(1)}× embedding the pools once per candidate.`,
    "",
  ].join("\n");
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

function benchCandidates(
  pool: BackbonePool,
  modality: SelectionTask["modality"],
): BenchCandidate[] {
  // Runtime variants (-onnx, -auto) share their model's weights and embeddings: measured once, as selection does.
  const available = pool
    .manifests()
    .filter((manifest) => availability(manifest, pool.runtimes).available);
  const registered = onePerWeights(candidatesFor(available, modality), () => true);
  return registered.map((c) => ({
    id: c.id,
    sizeBytes: c.manifest.sizeBytes,
    memoryBytes: weightsPeakBytes(c.manifest, pool.runtimes),
    weightsHash: c.manifest.weightsHash,
    embed: async (inputs) => (await pool.embed(c.backbone, inputs, c.layer)).embeddings,
    testVectors: new WeakMap(),
  }));
}

async function embedTest(
  candidate: BenchCandidate,
  inputs: BackboneInput[],
): Promise<Float32Array[]> {
  const missing = inputs.filter((input) => !candidate.testVectors.has(input));
  for (let start = 0; start < missing.length; start += BATCH) {
    const batch = missing.slice(start, start + BATCH);
    const vectors = await candidate.embed(batch);
    for (const [i, input] of batch.entries()) {
      candidate.testVectors.set(input, vectors[i] as Float32Array);
    }
  }
  return inputs.map((input) => candidate.testVectors.get(input) as Float32Array);
}

async function embedTimed(
  candidate: BenchCandidate,
  inputs: BackboneInput[],
): Promise<{ vectors: Float32Array[]; ms: number }> {
  await candidate.embed(inputs.slice(0, 1));
  const vectors: Float32Array[] = [];
  const started = performance.now();
  for (let start = 0; start < inputs.length; start += BATCH) {
    vectors.push(...(await candidate.embed(inputs.slice(start, start + BATCH))));
  }
  return { vectors, ms: performance.now() - started };
}

async function runCandidate(
  candidate: BenchCandidate,
  task: SelectionTask,
): Promise<CandidateResult> {
  const labels = [...new Set(task.train.labels)].sort();
  const classOf = new Map(labels.map((label, k) => [label, k]));
  const y = Int32Array.from(task.train.labels, (label) => classOf.get(label) as number);

  const started = performance.now();
  const train = await embedTimed(candidate, task.train.inputs);
  const dim = train.vectors[0]?.length ?? 0;
  const backbone = { id: candidate.id, weightsHash: candidate.weightsHash, dim };
  const scores = await scoreEmbeddings({ backbone, vectors: train.vectors, y, labels });
  const selectionMs = performance.now() - started;

  const { head } = await trainHead({
    headType: "logistic",
    backbone,
    samples: train.vectors.map((features, i) => ({
      features,
      label: task.train.labels[i] as string,
    })),
  });
  const predictions = head.predict(await embedTest(candidate, task.test.inputs));
  const correct = predictions.filter((p, i) => p.label === task.test.labels[i]).length;
  return {
    id: candidate.id,
    testAccuracy: correct / predictions.length,
    cvMacroF1: scores.crossValidation.macroF1.mean,
    cvMacroF1StandardError: scores.crossValidation.macroF1.standardError,
    foldMacroF1: scores.crossValidation.perFold.map((fold) => fold.macroF1),
    folds: scores.crossValidation.folds,
    logME: scores.logME,
    prototypeLoo: scores.prototypeLeaveOneOutAccuracy,
    embedMs: train.ms,
    latencyMsPerItem: train.ms / train.vectors.length,
    selectionMs,
    sizeBytes: candidate.sizeBytes,
    memoryBytes: candidate.memoryBytes,
  };
}
