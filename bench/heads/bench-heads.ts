import {
  DEFAULT_C_GRID,
  fitHead,
  fromRows,
  HEAD_SPECS,
  HEAD_TYPES,
  type HeadType,
  LOGISTIC_DEFAULTS,
} from "../../adapters";
import { progressReporter } from "../../adapters/protocol/progress";
import type { EmbeddingSet } from "./embedding-set";
import { type Shots, shotSplit } from "./shot-splits";
import { runSklearn, writeSklearnInput } from "./sklearn-runner";

export const SKLEARN = "sklearn-logistic";

export interface BenchHeadsOptions {
  sets: EmbeddingSet[];
  shots?: Shots[];
  seeds?: number[];
  headTypes?: HeadType[];
  cGrid?: readonly number[];
  maxIterations?: number;
}

export interface BenchRow {
  set: string;
  head: HeadType | typeof SKLEARN;
  shots: Shots;
  seed: number;
  trainSamples: number;
  accuracy: number;
  macroF1: number;
  /** Scaling, sweep, calibration, refit (ours also serialization and scoring the test split). */
  fitMs: number;
  /** The same span in CPU time of the process (all threads): less disturbed by other load. */
  fitCpuMs: number;
}

/**
 * Every head type and scikit-learn's LogisticRegression on the same splits: for each embedding set,
 * shot count and seed, the heads train through the shared protocol (sweep on validation, refit on
 * train + validation) and are scored on the same test split. scikit-learn runs after ours on each
 * split; fit times are wall clock of the fitting alone (file loading excluded on both sides).
 */
export async function benchHeads(options: BenchHeadsOptions): Promise<BenchRow[]> {
  const shotsList = options.shots ?? [8, 16, 64, "full"];
  const seeds = options.seeds ?? [0, 1, 2];
  const headTypes = options.headTypes ?? [...HEAD_TYPES];
  const cGrid = options.cGrid ?? DEFAULT_C_GRID;
  const maxIterations = options.maxIterations ?? LOGISTIC_DEFAULTS.maxIterations;
  const rows: BenchRow[] = [];
  for (const set of options.sets) {
    const labels = [...new Set(set.samples.map((s) => s.label))].sort();
    const classOf = new Map(labels.map((label, k) => [label, k]));
    const y = Int32Array.from(set.samples, (s) => classOf.get(s.label) as number);
    const X = fromRows(
      set.samples.map((s) => s.features),
      set.backbone.dim,
    );
    const sklearnInput = await writeSklearnInput(set);
    const givenTest = set.samples.some((s) => s.split)
      ? set.samples.map((s) => s.split === "test")
      : null;
    const runs = shotsList.flatMap((shots) =>
      seeds.map((seed) => ({ shots, seed, split: shotSplit(y, givenTest, shots, seed) })),
    );
    const describe = (run: (typeof runs)[number]) => ({
      set: set.name,
      shots: run.shots,
      seed: run.seed,
      trainSamples: run.split.train.length + run.split.validation.length,
    });
    const fitOurs = (head: HeadType, run: (typeof runs)[number]) =>
      fitHead({
        spec: HEAD_SPECS[head],
        backbone: set.backbone,
        options: {
          seed: run.seed,
          sweep: { cGrid: [...cGrid] },
          hyperparameters: { maxIterations },
        },
        targetPrecision: null,
        X,
        y,
        labels,
        split: run.split,
        report: progressReporter(undefined),
      });
    // Warm-up (untimed): the JIT compiles the fitting loops before the first timed run.
    for (const head of headTypes) if (runs[0]) await fitOurs(head, runs[0]);
    for (const run of runs) {
      for (const head of headTypes) {
        const started = performance.now();
        const cpuStarted = process.cpuUsage();
        const { test } = await fitOurs(head, run);
        const fitMs = performance.now() - started;
        const cpu = process.cpuUsage(cpuStarted);
        rows.push({
          ...describe(run),
          head,
          accuracy: test.accuracy,
          macroF1: test.macro.f1,
          fitMs,
          fitCpuMs: (cpu.user + cpu.system) / 1000,
        });
        console.error(
          `heads: ${set.name} ${head} shots=${run.shots} seed=${run.seed} acc=${test.accuracy.toFixed(4)} ${fitMs.toFixed(0)} ms`,
        );
      }
      // Right after ours on the same split, so both see the same load on a shared machine.
      const [reference] = await runSklearn(sklearnInput, [run.split], cGrid, maxIterations);
      if (!reference) throw new Error("heads bench: scikit-learn returned no result");
      rows.push({
        ...describe(run),
        head: SKLEARN,
        accuracy: reference.accuracy,
        macroF1: reference.macroF1,
        fitMs: reference.fitMs,
        fitCpuMs: reference.fitCpuMs,
      });
    }
  }
  return rows;
}
