/**
 * Training's working set: the peak live memory of one training job's head protocol, per head type and
 * size (./training-probe.ts, each case in a fresh Node process with --expose-gc), in bytes per value
 * (samples × dimension) and against the training budget of adapters/limits.ts. Returns the markdown
 * section. `npx tsx bench/memory/training-cli.ts` prints it alone.
 */

import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

interface TrainingCase {
  headType: "logistic" | "mlp" | "prototype";
  samples: number;
  dim: number;
  classes: number;
  /** An MLP's hidden units (default: MLP_DEFAULTS'). */
  hiddenUnits?: number;
  note: string;
}

export const TRAINING_CASES: TrainingCase[] = [
  {
    headType: "logistic",
    samples: 1000,
    dim: 1792,
    classes: 10,
    note: "cross-validation (under 2,000 samples)",
  },
  {
    headType: "logistic",
    samples: 5000,
    dim: 1792,
    classes: 10,
    note: "holdout (≥ 2,000 samples, ≥ 50 per class)",
  },
  {
    headType: "logistic",
    samples: 5000,
    dim: 1792,
    classes: 200,
    note: "cross-validation (25 per class: under 50)",
  },
  {
    headType: "logistic",
    samples: 2000,
    dim: 4096,
    classes: 10,
    note: "holdout, lexical's dimension",
  },
  {
    headType: "mlp",
    samples: 5000,
    dim: 1792,
    classes: 10,
    note: "holdout",
  },
  {
    headType: "mlp",
    samples: 1000,
    dim: 1792,
    classes: 10,
    note: "cross-validation, 64 hidden units (the default)",
  },
  {
    headType: "mlp",
    samples: 1000,
    dim: 1792,
    classes: 10,
    hiddenUnits: 1024,
    note: "cross-validation, 1,024 hidden units",
  },
  {
    headType: "prototype",
    samples: 5000,
    dim: 1792,
    classes: 10,
    note: "holdout",
  },
];

export interface TrainingProbe {
  protocol: string;
  peakBytes: number;
  peakAt: string;
  steps: number;
  seconds: number;
}

export async function probeTraining(c: TrainingCase): Promise<TrainingProbe> {
  const args = [
    c.headType,
    c.samples,
    c.dim,
    c.classes,
    ...(c.hiddenUnits ? [c.hiddenUnits] : []),
  ].map(String);
  const { stdout } = await run(
    process.execPath,
    ["--expose-gc", "--import", "tsx", "bench/memory/training-probe.ts", ...args],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as TrainingProbe;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

export async function benchTrainingWorkingSet(): Promise<string> {
  const rows: string[] = [];
  for (const c of TRAINING_CASES) {
    const probe = await probeTraining(c);
    const values = c.samples * c.dim;
    rows.push(
      `| ${c.headType} | ${c.samples.toLocaleString("en")} × ${c.dim.toLocaleString("en")}, ${c.classes} classes | ${probe.protocol}: ${c.note} | ${mb(probe.peakBytes)} | ${(probe.peakBytes / values).toFixed(1)} | ${probe.peakAt} | ${probe.steps} | ${probe.seconds.toFixed(0)} |`,
    );
  }
  return [
    "## Memory: training's working set (head protocol, Node)",
    "",
    "Command: `npx tsx bench/memory/training-cli.ts` (also part of `npm run bench -- memory`). Each case in a fresh `node --expose-gc` process (bench/memory/training-probe.ts): synthetic float32 embeddings (deterministic class clusters), handed to `TrainingRun` as the job hands its vectors, then `advance(STEP_FLOPS)` until done, on the WebAssembly matrix kernel the hosts install. After the constructor (the vectors still referenced, as while it runs) and after every step: a forced collection, then the live ArrayBuffers (`process.memoryUsage().arrayBuffers`) plus the wasm memories of the matrix kernel and of the solvers' vector blocks (L-BFGS keeps 26 vectors of the weights, classes × dimension), minus the same before the vectors existed. Peak MB = 10⁶ bytes; bytes per value = peak ÷ (samples × dimension). Default options (the whole sweep). Transient peaks inside a step (a copy being made) are not seen; the step boundaries see what stays.",
    "",
    "| head | samples × dim | protocol | peak live (MB) | bytes per value | peak at | steps | s |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
