/**
 * `npm run bench -- finetune` (issue 12): Fashion-MNIST, frozen logistic head against the head that
 * unfreezes the backbone's top, on the same samples, split and seed, scored on the same test images
 * the training never saw. Also the costs: training throughput of the top on both matrix kernels,
 * memory, checkpoint and stored size, and predict latency of each path through the network.
 *
 * Cut activations (int8, as the service stores them) and embeddings come from the bench cache
 * (cut-cache.ts; `tsx bench/finetune/prepare.ts` fills it ahead). FINETUNE_SHOTS (default
 * "16,64,256") per class, FINETUNE_TEST (default 1000) test images, FINETUNE_BACKBONE (default
 * mobilenet-v2-100), FINETUNE_LR (top learning rates, default the run's grid), FINETUNE_L2SP,
 * FINETUNE_EPOCHS (default the run's), FINETUNE_BATCH, FINETUNE_KERNEL=js (fit on the plain JS kernel).
 */

import { memorySource } from "../../adapters/finetune/activation-source";
import { type FinetuneResult, FinetuneRun } from "../../adapters/finetune/finetune-run";
import { sampleLength, topLayout } from "../../adapters/finetune/layout";
import { type TopModel, topLogits } from "../../adapters/finetune/top-model";
import { TopActivations } from "../../adapters/finetune/top-network";
import { type GemmKernel, useGemmKernel } from "../../adapters/linalg/gemm";
import { JS_GEMM } from "../../adapters/linalg/js-gemm";
import { argmaxRows, fromRows } from "../../adapters/linalg/matrix";
import { STEP_FLOPS } from "../../adapters/protocol/step-budget";
import { encodeCheckpoint } from "../../adapters/serialization/checkpoint-codec";
import { decodeHead } from "../../adapters/serialization/head-codec";
import type { RgbImage } from "../../models";
import { readTopWeights } from "../../models/trainable-top";
import { nodeGemmKernel } from "../../src/runtime/gemm/node-gemm";
import { nodeHost } from "../../src/runtime/node";
import { wasmHeapBytes } from "../../src/runtime/tfjs-wasm";
import { fashionMnist } from "../datasets/fashion-mnist";
import { percentile } from "../stats";
import { type CutNetwork, cutNetwork } from "./cut-network";
import { cachedSource, finetuneInputs } from "./inputs";

const list = (value: string | undefined) => value?.split(",").map(Number);
const SHOTS = list(process.env.FINETUNE_SHOTS) ?? [16, 64, 256];
const TEST = Number(process.env.FINETUNE_TEST ?? 1000);
const BACKBONE = process.env.FINETUNE_BACKBONE ?? "mobilenet-v2-100";
const SEED = 0;
const HYPERPARAMETERS = Object.fromEntries(
  Object.entries({
    learningRateGrid: list(process.env.FINETUNE_LR),
    l2spGrid: list(process.env.FINETUNE_L2SP),
    maxEpochs: list(process.env.FINETUNE_EPOCHS)?.[0],
    batchSize: list(process.env.FINETUNE_BATCH)?.[0],
  }).filter(([, value]) => value !== undefined),
);
const OPTIONS = { seed: SEED, hyperparameters: HYPERPARAMETERS };
/** A checkpoint is encoded (to measure it) at most every this many steps of the run. */
const CHECKPOINT_SAMPLE_STEPS = 25;

interface Row {
  shots: number;
  samples: number;
  frozen: number;
  chosen: string;
  tuned: number | null;
  int8: number | null;
  storedBytes: number | null;
  epochs: string;
  seconds: number;
  checkpointBytes: number;
  runMemoryBytes: number;
}

export async function benchFinetune(): Promise<string> {
  const fitKernel = process.env.FINETUNE_KERNEL === "js" ? JS_GEMM : await nodeGemmKernel();
  useGemmKernel(fitKernel);
  const network = await cutNetwork(BACKBONE);
  const { manifest } = network;
  const top = await readTopWeights((await nodeHost()).modelFiles(BACKBONE), manifest);
  const inputs = await finetuneInputs(network, Math.max(...SHOTS), TEST);
  const { shape, train, test } = inputs;
  const backbone = { id: BACKBONE, weightsHash: manifest.weightsHash, dim: manifest.output.dim };
  const testSource = cachedSource(test.samples, shape);
  const testIndices = Int32Array.from(test.samples, (_, i) => i);
  const testEmbeddings = fromRows(
    test.samples.map((sample) => sample.embedding),
    backbone.dim,
  );
  const accuracy = (predicted: Int32Array, names: string[]) =>
    predicted.reduce((n, k, i) => n + (names[k] === test.labels[i] ? 1 : 0), 0) /
    test.labels.length;

  const rows: Row[] = [];
  let peakRss = process.memoryUsage().rss;
  for (const shots of SHOTS) {
    const chosen = train.perClass.flatMap((indices) => indices.slice(0, shots));
    const samples = chosen.map((i) => ({
      features: train.samples[i]?.embedding as Float32Array,
      label: train.labels[i] as string,
      hash: `train-${i}`,
    }));
    const source = cachedSource(
      chosen.map((i) => train.samples[i] as (typeof train.samples)[number]),
      shape,
    );
    const baseline = liveArrayBuffers();
    let runMemoryBytes = 0;
    let checkpointBytes = 0;
    const started = performance.now();
    const run = new FinetuneRun({ backbone, top, samples, source, options: OPTIONS });
    for (let step = 0; !run.done; step++) {
      run.advance(STEP_FLOPS);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      runMemoryBytes = Math.max(runMemoryBytes, liveArrayBuffers() - baseline);
      if (step % CHECKPOINT_SAMPLE_STEPS === 0 && run.progress.epoch !== undefined) {
        checkpointBytes = Math.max(checkpointBytes, encodeCheckpoint(run.checkpoint()).length);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const result = run.result();
    const frozenHead = decodeHead(result.frozenHead, backbone);
    const labels = frozenHead.labels;
    const frozen = accuracy(argmaxRows(frozenHead.probabilities(testEmbeddings)), labels);
    const tunedAccuracy = (model: TopModel) =>
      accuracy(argmaxRows(topLogits(model, testSource, testIndices)), labels);
    rows.push({
      shots,
      samples: samples.length,
      frozen,
      chosen: result.kind,
      tuned: result.kind === "finetune" ? tunedAccuracy(result.tunedModel) : null,
      int8: result.kind === "finetune" ? tunedAccuracy(result.head.model) : null,
      storedBytes: result.kind === "finetune" ? result.head.serialize().length : null,
      epochs: epochsOf(result),
      seconds,
      checkpointBytes,
      runMemoryBytes,
    });
    console.error(`finetune: ${shots}/class done`, rows.at(-1));
  }
  const testImages = (await fashionMnist("test", 8)).images;
  const costs = await measureCosts(network, top, testImages);
  return markdown(rows, costs, peakRss, top, fitKernel, test.labels.length);
}

/** Per candidate: kept epoch / epochs run, validation loss at epoch 0 → kept, and validation accuracy against the frozen head's. */
function epochsOf(result: FinetuneResult): string {
  const { frozenValidation, candidates } = result.report.finetune;
  const pct = (value: number) => `${(100 * value).toFixed(1)} %`;
  return candidates
    .map(
      ({ hyperparameters: { learningRate, l2sp, epochs }, iterations, epochs: losses, ...row }) => {
        const lossAt = (epoch: unknown) =>
          losses.find((record) => record.epoch === epoch)?.validationLoss.toFixed(3);
        return `lr ${learningRate}, L2-SP ${l2sp}: kept ${epochs}/${iterations}, loss ${lossAt(0)} → ${lossAt(epochs)}, accuracy ${pct(row.validationAccuracy)} (frozen ${pct(frozenValidation.validationAccuracy)})`;
      },
    )
    .join("; ");
}

interface Costs {
  /** Seconds per 1,000 samples per epoch (forward + backward), by kernel name. */
  trainSeconds: Record<string, number>;
  frozenPredictMs: number;
  finetunePredictMs: number;
}

const TRAIN_BATCH = 16;
const TRAIN_ROUNDS = 4;

/**
 * Training throughput of the top (forward + backward of one batch of 16, both kernels taking turns
 * round by round, so the shared machine's load weighs on each alike; median per kernel) and
 * single-image predict latency of both paths.
 */
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
  const net = new TopActivations(layout, TRAIN_BATCH);
  const length = sampleLength(layout);
  const maps = Array.from({ length: TRAIN_BATCH }, (_, s) =>
    new Float64Array(length).map((_, i) => ((s * length + i) % 7) / 7),
  );
  const batch = memorySource(maps, length);
  const indices = Int32Array.from(maps, (_, i) => i);
  const grad = new Float64Array(layout.size);
  const labels = new Int32Array(TRAIN_BATCH);
  const kernels: GemmKernel[] = [JS_GEMM, await nodeGemmKernel()];
  const trainTimes = new Map<string, number[]>(kernels.map((kernel) => [kernel.name, []]));
  for (let round = 0; round < TRAIN_ROUNDS; round++) {
    for (const kernel of kernels) {
      useGemmKernel(kernel);
      const started = performance.now();
      net.forward(theta, scaling, batch, indices);
      net.backward(theta, scaling, batch, indices, labels, grad);
      trainTimes.get(kernel.name)?.push(performance.now() - started);
    }
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
  return {
    trainSeconds: Object.fromEntries(
      [...trainTimes].map(([name, times]) => [name, median(times) / TRAIN_BATCH]),
    ),
    frozenPredictMs: median(frozenTimes),
    finetunePredictMs: median(finetuneTimes),
  };
}

/**
 * Bytes of ArrayBuffers alive now: collected first when Node runs with --expose-gc (the command
 * below), so the run's memory is what it holds between steps, not garbage awaiting collection.
 */
function liveArrayBuffers(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().arrayBuffers;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

function markdown(
  rows: Row[],
  costs: Costs,
  peakRss: number,
  top: { inChannels: number; outChannels: number },
  fitKernel: GemmKernel,
  testCount: number,
): string {
  const pct = (value: number | null) => (value === null ? "–" : `${(100 * value).toFixed(1)} %`);
  const mib = (bytes: number | null) =>
    bytes === null ? "–" : `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  const topParameters = top.inChannels * top.outChannels + top.outChannels;
  const train = costs.trainSeconds;
  const grid = (name: string) => {
    const value = HYPERPARAMETERS[name];
    return Array.isArray(value) ? value.join(", ") : "the run's default";
  };
  return [
    "## Finetune: unfreezing the top (issue 12)",
    "",
    `Fashion-MNIST on ${BACKBONE}: the first N training images of each class (the file is shuffled) go through the protocol (dedupe, 60/20/20 stratified split, seed ${SEED}); both heads are then scored on the first ${testCount.toLocaleString("en")} images of the official test set. Frozen = the logistic protocol on the pooled embeddings. Finetune = Conv_1 (batch norm folded) + ReLU6 + pooling + a classifier that starts from a logistic regression at the frozen head's C on the floored scaler (each feature's scale at least the median), trained from the int8-stored cut activations with Adam (top lr ∈ {${grid("learningRateGrid")}}, classifier 10×), L2-SP ∈ {${grid("l2spGrid")}}, early stopping on validation loss. "chosen" is what validation picked: a finetune candidate must beat the frozen head's validation row (accuracy, then log loss) at an epoch after 0, and clearly (adapters/finetune/beats-frozen.ts: as many right, a paired loss gain beyond 2 standard errors). The fits ran on the ${fitKernel.name} matrix kernel.`,
    "",
    "| per class | samples | frozen logistic | chosen | finetuned top (float32) | int8 top (stored) | stored head | validation (per candidate) | largest checkpoint | run memory | protocol time |",
    "|---:|---:|---:|:---|---:|---:|---:|:---|---:|---:|---:|",
    ...rows.map(
      (row) =>
        `| ${row.shots} | ${row.samples} | ${pct(row.frozen)} | ${row.chosen} | ${pct(row.tuned)} | ${pct(row.int8)} | ${mib(row.storedBytes)} | ${row.epochs} | ${mib(row.checkpointBytes)} | ${mib(row.runMemoryBytes)} | ${row.seconds.toFixed(0)} s |`,
    ),
    "",
    `Costs: training the top takes ${(train["wasm-simd"] ?? 0).toFixed(1)} s per 1,000 samples per epoch on the WebAssembly SIMD kernel the hosts install, against ${(train.js ?? 0).toFixed(1)} s on the plain JS one (×${((train.js ?? 0) / (train["wasm-simd"] ?? 1)).toFixed(1)}; forward + backward, batch ${TRAIN_BATCH}, median of ${TRAIN_ROUNDS} rounds taking turns; validation passes add about a third of that per validation sample). Largest checkpoint = the encoded FinetuneRun checkpoint during finetuning (weights and Adam moments float32). Run memory = the most the live ArrayBuffers grew between the run's steps${"gc" in globalThis ? " (collected first: --expose-gc)" : " (**not collected first**: run with NODE_OPTIONS=--expose-gc, so this counts garbage)"}: the protocol's embeddings and frozen sweep, the fit's weights, moments and batch buffers, the wasm matrix kernel's memory; not the cut activations (int8, in the bench's memory here, in SQLite in the job). Peak RSS of the bench process ${(peakRss / 2 ** 20).toFixed(0)} MB, tfjs wasm heap ${(wasmHeapBytes() / 2 ** 20).toFixed(0)} MB. Stored top: ${topParameters.toLocaleString("en")} parameters, ${(topParameters / 2 ** 20).toFixed(2)} MiB as int8 (+ per-channel scales), against KV's 25 MiB. Predict, one image: frozen path ${costs.frozenPredictMs.toFixed(0)} ms, finetune path ${costs.finetunePredictMs.toFixed(0)} ms (×${(costs.finetunePredictMs / costs.frozenPredictMs).toFixed(2)}).`,
  ].join("\n");
}
