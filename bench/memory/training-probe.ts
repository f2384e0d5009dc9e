/**
 * One training's live memory, step by step (run by ./training-working-set.ts in a fresh process with
 * --expose-gc): synthetic float32 embeddings of n × d in K classes go through TrainingRun as the job
 * runs it (src/jobs/head-training.ts: the vectors handed to the constructor, then `advance(STEP_FLOPS)`
 * until done) on the WebAssembly matrix kernel the hosts install. After the constructor (the vectors
 * still referenced, as they are while it runs) and after every step, a forced collection, then the
 * live ArrayBuffers (typed arrays: matrices, splits, weights) plus the wasm memories of the matrix
 * kernel and of the solvers' vector blocks (which process.memoryUsage() does not count). Prints JSON: the baseline before the vectors existed and the
 * peak above it, with where the peak was.
 *
 * Usage: node --expose-gc --import tsx bench/memory/training-probe.ts <headType> <n> <d> <K> [hiddenUnits]
 */

import {
  type HeadType,
  type LabelledEmbedding,
  STEP_FLOPS,
  TrainingRun,
  useGemmKernel,
} from "../../adapters";
import { nodeGemmKernel } from "../../src/runtime/gemm/node-gemm";

const [headType, n, d, classes] = [
  process.argv[2] as HeadType,
  Number(process.argv[3]),
  Number(process.argv[4]),
  Number(process.argv[5]),
];
/** An MLP's width (its default when not given). */
const hiddenUnits = process.argv[6] === undefined ? undefined : Number(process.argv[6]);
const kernel = await nodeGemmKernel();
/** The solvers' vector blocks (L-BFGS: ~26 vectors of the weights), each in its own wasm memory. */
const vectorMemories = new Set<WeakRef<ArrayBufferLike>>();
useGemmKernel({
  ...kernel,
  vectors(count, n) {
    const block = kernel.vectors(count, n);
    const buffer = block.views[0]?.buffer;
    if (buffer) vectorMemories.add(new WeakRef(buffer));
    return block;
  },
});

/** Wasm memories alive now: the kernel's workspace and the vector blocks not yet collected. */
function wasmBytes(): number {
  let bytes = kernel.memoryBytes();
  for (const ref of vectorMemories) {
    const buffer = ref.deref();
    if (buffer) bytes += buffer.byteLength;
    else vectorMemories.delete(ref);
  }
  return bytes;
}

/**
 * Live bytes after a forced collection. Awaited from a macrotask: a WeakRef keeps its target alive
 * until the synchronous job that made or read it ends, so the vector blocks' refs must not.
 */
async function liveBytes(): Promise<number> {
  const { gc } = globalThis as { gc?: () => void };
  if (!gc) throw new Error("run with node --expose-gc");
  await new Promise((resolve) => setImmediate(resolve));
  // Twice: a first collection can leave buffers whose wrappers it only just found dead.
  gc();
  gc();
  return process.memoryUsage().arrayBuffers + wasmBytes();
}

/** Deterministic class clusters (a small LCG, no dependency): separable but not trivially so. */
function syntheticSamples(): LabelledEmbedding[] {
  let state = 12345;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: d }, uniform));
  return Array.from({ length: n }, (_, i) => {
    const centre = centres[i % classes] as Float32Array;
    return {
      features: centre.map((c) => c + 2 * uniform()),
      label: `class-${i % classes}`,
      hash: `sample-${i}`,
    };
  });
}

const baseline = await liveBytes();
let samples: LabelledEmbedding[] | null = syntheticSamples();
const run = new TrainingRun({
  headType,
  backbone: { id: "synthetic", weightsHash: "synthetic", dim: d },
  samples,
  ...(hiddenUnits === undefined ? {} : { options: { hyperparameters: { hiddenUnits } } }),
});
let peak = {
  bytes: (await liveBytes()) - baseline,
  at: "constructed (vectors still referenced)",
};
samples = null;
const started = performance.now();
let steps = 0;
while (!run.done) {
  const { stage, message } = run.progress;
  run.advance(STEP_FLOPS);
  steps++;
  const bytes = (await liveBytes()) - baseline;
  if (bytes > peak.bytes) peak = { bytes, at: `${stage}: ${message}` };
}
console.log(
  JSON.stringify({
    protocol: run.protocol.kind,
    peakBytes: peak.bytes,
    peakAt: peak.at,
    steps,
    seconds: (performance.now() - started) / 1000,
    accuracy: run.result().report.evaluation.accuracy.value,
  }),
);
