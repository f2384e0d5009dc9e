/**
 * `npm run bench -- finetune` (issue 12): Fashion-MNIST, frozen logistic head against the head that
 * unfreezes the backbone's top, on the same samples, split and seed, scored on the same test images
 * the training never saw. Also the costs: training throughput of the top, memory, stored size, and
 * predict latency of each path through the network.
 *
 * FINETUNE_SHOTS (default "16,64") per class, FINETUNE_TEST (default 1000) test images,
 * FINETUNE_BACKBONE (default mobilenet-v2-100), FINETUNE_LR (top learning rates, default
 * "1e-5,1e-4"), FINETUNE_EPOCHS (default 10): the machine decides how far these go.
 */

import { memorySource } from "../../adapters/finetune/activation-source";
import { type FinetuneResult, FinetuneRun } from "../../adapters/finetune/finetune-run";
import { sampleLength, topLayout } from "../../adapters/finetune/layout";
import { quantisedTop } from "../../adapters/finetune/quantise";
import { type TopModel, topLogits } from "../../adapters/finetune/top-model";
import { TopActivations } from "../../adapters/finetune/top-network";
import { argmaxRows, fromRows } from "../../adapters/linalg/matrix";
import { STEP_FLOPS } from "../../adapters/protocol/step-budget";
import { decodeHead } from "../../adapters/serialization/head-codec";
import type { RgbImage } from "../../models";
import { readTopWeights } from "../../models/trainable-top";
import { nodeHost } from "../../src/runtime/node";
import { wasmHeapBytes } from "../../src/runtime/tfjs-wasm";
import { fashionMnist } from "../datasets/fashion-mnist";
import { percentile } from "../stats";
import { type CutNetwork, cutNetwork } from "./cut-network";

const SHOTS = (process.env.FINETUNE_SHOTS ?? "16,64").split(",").map(Number);
const TEST = Number(process.env.FINETUNE_TEST ?? 1000);
const BACKBONE = process.env.FINETUNE_BACKBONE ?? "mobilenet-v2-100";
const SEED = 0;
const OPTIONS = {
  seed: SEED,
  hyperparameters: {
    learningRateGrid: (process.env.FINETUNE_LR ?? "1e-5,1e-4").split(",").map(Number),
    l2spGrid: [0.01],
    maxEpochs: Number(process.env.FINETUNE_EPOCHS ?? 10),
    patience: 2,
  },
};
const BATCH = 32;

interface Row {
  shots: number;
  samples: number;
  frozen: number;
  chosen: string;
  tuned: number | null;
  int8: number | null;
  fp16: number | null;
  storedBytes: number | null;
  epochs: string;
  seconds: number;
}

export async function benchFinetune(): Promise<string> {
  const network = await cutNetwork(BACKBONE);
  const { manifest } = network;
  const top = await readTopWeights((await nodeHost()).modelFiles(BACKBONE), manifest);
  const maxShots = Math.max(...SHOTS);
  const train = await firstPerClass(maxShots);
  const test = await fashionMnist("test", TEST);
  console.error(
    `finetune: embedding ${train.images.length} train and ${test.images.length} test images`,
  );
  const trainData = await runAll(network, train.images);
  const testData = await runAll(network, test.images);
  const backbone = { id: BACKBONE, weightsHash: manifest.weightsHash, dim: manifest.output.dim };
  const length = sampleLength(top);
  const testSource = memorySource(testData.maps, length);
  const testIndices = Int32Array.from(test.images, (_, i) => i);
  const testLabels = test.labels;
  const accuracy = (predicted: Int32Array, labels: string[], names: string[]) =>
    predicted.reduce((n, k, i) => n + (names[k] === labels[i] ? 1 : 0), 0) / labels.length;

  const rows: Row[] = [];
  let peakRss = process.memoryUsage().rss;
  for (const shots of SHOTS) {
    const chosen = train.indicesPerClass.flatMap((indices) => indices.slice(0, shots));
    const samples = chosen.map((i) => ({
      features: trainData.embeddings[i] as Float32Array,
      label: train.labels[i] as string,
      hash: `train-${i}`,
    }));
    const source = memorySource(
      chosen.map((i) => trainData.maps[i] as Float32Array),
      length,
    );
    const started = performance.now();
    const run = new FinetuneRun({ backbone, top, samples, source, options: OPTIONS });
    while (!run.done) {
      run.advance(STEP_FLOPS);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    const seconds = (performance.now() - started) / 1000;
    const result = run.result();
    const frozenHead = decodeHead(result.frozenHead, backbone);
    const labels = frozenHead.labels;
    const frozen = accuracy(
      argmaxRows(frozenHead.probabilities(fromRows(testData.embeddings, backbone.dim))),
      testLabels,
      labels,
    );
    const tunedAccuracy = (model: TopModel) =>
      accuracy(argmaxRows(topLogits(model, testSource, testIndices)), testLabels, labels);
    const tuned = result.kind === "finetune" ? tunedAccuracy(result.tunedModel) : null;
    rows.push({
      shots,
      samples: samples.length,
      frozen,
      chosen: result.kind,
      tuned,
      int8: result.kind === "finetune" ? tunedAccuracy(result.head.model) : null,
      fp16:
        result.kind === "finetune" ? tunedAccuracy(quantisedTop(result.tunedModel, "fp16")) : null,
      storedBytes: result.kind === "finetune" ? result.head.serialize().length : null,
      epochs: epochsOf(result),
      seconds,
    });
    console.error(`finetune: ${shots}/class done`, rows.at(-1));
  }
  const costs = await measureCosts(network, top, test.images.slice(0, 8));
  return markdown(rows, costs, peakRss, top);
}

/** The first `shots` training images of each class (the file is shuffled), and which they are. */
async function firstPerClass(shots: number) {
  const pool = await fashionMnist("train", Math.ceil(shots * 10 * 1.4) + 200);
  const byClass = new Map<string, number[]>();
  pool.labels.forEach((label, i) => {
    const members = byClass.get(label) ?? [];
    if (members.length < shots) members.push(i);
    byClass.set(label, members);
  });
  const keep = [...byClass.values()].flat().sort((a, b) => a - b);
  const position = new Map(keep.map((i, j) => [i, j]));
  return {
    images: keep.map((i) => pool.images[i] as RgbImage),
    labels: keep.map((i) => pool.labels[i] as string),
    indicesPerClass: [...byClass.values()].map((members) =>
      members.map((i) => position.get(i) as number),
    ),
  };
}

async function runAll(network: CutNetwork, images: RgbImage[]) {
  const maps: Float32Array[] = [];
  const embeddings: Float32Array[] = [];
  for (let start = 0; start < images.length; start += BATCH) {
    const out = await network.run(images.slice(start, start + BATCH));
    maps.push(...out.maps);
    embeddings.push(...out.embeddings);
  }
  return { maps, embeddings };
}

function epochsOf(result: FinetuneResult): string {
  return result.report.finetune.candidates
    .map(
      (row) =>
        `${row.hyperparameters.learningRate}: kept ${row.hyperparameters.epochs}/${row.iterations}`,
    )
    .join("; ");
}

interface Costs {
  msPer1000SampleEpochs: number;
  frozenPredictMs: number;
  finetunePredictMs: number;
}

/** Training throughput of the top (forward + backward, batch 16) and single-image predict latency of both paths. */
async function measureCosts(
  network: CutNetwork,
  top: Awaited<ReturnType<typeof readTopWeights>>,
  images: RgbImage[],
): Promise<Costs> {
  const layout = topLayout(top.positions, top.inChannels, top.outChannels, 10);
  const theta = new Float64Array(layout.size);
  theta.set(top.kernel, layout.topKernel);
  const scaling = {
    mean: new Float64Array(top.outChannels),
    scale: new Float64Array(top.outChannels).fill(1),
  };
  const batch = 16;
  const net = new TopActivations(layout, batch);
  const X = new Float64Array(batch * sampleLength(layout)).map((_, i) => (i % 7) / 7);
  const grad = new Float64Array(layout.size);
  const labels = new Int32Array(batch);
  const trainTimes: number[] = [];
  for (let r = 0; r < 3; r++) {
    const started = performance.now();
    net.forward(theta, scaling, X, batch);
    net.backward(theta, scaling, X, labels, batch, grad);
    trainTimes.push(performance.now() - started);
  }
  const model: TopModel = { layout, scaling, theta };
  const frozenTimes: number[] = [];
  const finetuneTimes: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (const image of images) {
      let started = performance.now();
      await network.embedOnly([image]);
      frozenTimes.push(performance.now() - started);
      started = performance.now();
      const map = await network.cutOnly([image]);
      topLogits(model, memorySource([map], map.length), Int32Array.of(0));
      finetuneTimes.push(performance.now() - started);
    }
  }
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  return {
    msPer1000SampleEpochs: (median(trainTimes) / batch) * 1000,
    frozenPredictMs: median(frozenTimes),
    finetunePredictMs: median(finetuneTimes),
  };
}

function markdown(
  rows: Row[],
  costs: Costs,
  peakRss: number,
  top: { inChannels: number; outChannels: number },
): string {
  const pct = (value: number | null) => (value === null ? "–" : `${(100 * value).toFixed(1)} %`);
  const topParameters = top.inChannels * top.outChannels + top.outChannels;
  const classifierBytes = (top.outChannels * 10 + 10 + 2 * top.outChannels) * 4;
  return [
    "## Finetune: unfreezing the top (issue 12)",
    "",
    `Fashion-MNIST on ${BACKBONE}: the first N training images of each class (the file is shuffled) go through the protocol (dedupe, 60/20/20 stratified split, seed ${SEED}); both heads are then scored on the first ${TEST} images of the official test set. Frozen = the logistic protocol on the pooled embeddings; finetune = Conv_1 + classifier from that head's train-only model, Adam (top lr ∈ {${OPTIONS.hyperparameters.learningRateGrid.join(", ")}}, classifier 10×), L2-SP 0.01, ≤ ${OPTIONS.hyperparameters.maxEpochs} epochs, patience 2. "chosen" is what validation picked: finetune must beat the frozen head's validation row.`,
    "",
    "| per class | samples | frozen logistic | chosen | finetuned top (float64) | int8 top (stored) | fp16 top | stored head | kept epoch / ran (per top lr) | protocol time |",
    "|---:|---:|---:|:---|---:|---:|---:|---:|:---|---:|",
    ...rows.map(
      (row) =>
        `| ${row.shots} | ${row.samples} | ${pct(row.frozen)} | ${row.chosen} | ${pct(row.tuned)} | ${pct(row.int8)} | ${pct(row.fp16)} | ${row.storedBytes === null ? "–" : `${(row.storedBytes / 2 ** 20).toFixed(2)} MiB`} | ${row.epochs} | ${row.seconds.toFixed(0)} s |`,
    ),
    "",
    `Costs: training the top takes ${(costs.msPer1000SampleEpochs / 1000).toFixed(1)} s per 1,000 samples per epoch (forward + backward, batch 16, scalar TypeScript; validation passes add about half that per validation sample). Peak RSS of the bench process ${(peakRss / 2 ** 20).toFixed(0)} MB (it holds all cut activations in memory, unlike the job), wasm heap ${(wasmHeapBytes() / 2 ** 20).toFixed(0)} MB. Stored top: ${topParameters.toLocaleString("en")} parameters, ${(topParameters / 2 ** 20).toFixed(2)} MiB as int8 (+ per-channel scales) or ${((2 * topParameters) / 2 ** 20).toFixed(2)} MiB as fp16, plus the classifier (${(classifierBytes / 1024).toFixed(0)} KiB as float32), against KV's 25 MiB. Predict, one image: frozen path ${costs.frozenPredictMs.toFixed(0)} ms, finetune path ${costs.finetunePredictMs.toFixed(0)} ms (×${(costs.finetunePredictMs / costs.frozenPredictMs).toFixed(2)}).`,
  ].join("\n");
}
