import {
  DEFAULT_C_GRID,
  DEFAULT_FRACTIONS,
  fromRows,
  HEAD_SPECS,
  HEAD_TYPES,
  type HeadType,
  LOGISTIC_DEFAULTS,
  type SplitIndices,
  STEP_FLOPS,
  stratifiedSplit,
  type TrainingReport,
  trainHead,
} from "../../adapters";
import { FitRun } from "../../adapters/protocol/fit-run";
import type { EmbeddingSet } from "./embedding-set";
import { type Shots, shotSplit } from "./shot-splits";
import { runSklearn, type SklearnResult, writeSklearnInput } from "./sklearn-runner";

export const SKLEARN = "sklearn-logistic";
/** The protocol before issue 11, for comparison: one 60/20/20 split, the served head fitted on 80 %. */
export const LEGACY = "logistic-60/20/20";
/** scikit-learn doing LEGACY's work on the same split: scaler, warm-started C sweep, refit. */
export const SKLEARN_SWEEP = "sklearn-sweep-60/20/20";
/**
 * The same with the objective scaled as scikit-learn >= 1.4 scales it (mean loss), where its tol
 * means what ours does; the installed 1.2.1 (SKLEARN_SWEEP) applies tol to the summed loss.
 */
export const SKLEARN_SWEEP_MEAN = "sklearn-sweep-60/20/20, mean-scaled (≥ 1.4)";

export interface BenchHeadsOptions {
  sets: EmbeddingSet[];
  shots?: Shots[];
  seeds?: number[];
  headTypes?: HeadType[];
  cGrid?: readonly number[];
  maxIterations?: number;
  /** Also run the protocol before issue 11 (LEGACY) on each pool. */
  legacy?: boolean;
  /**
   * Only the fit-time comparison: LEGACY (one C sweep with its refit) against scikit-learn doing the
   * same work on the same split (SKLEARN_SWEEP, SKLEARN_SWEEP_MEAN); no CV protocol, no GridSearchCV.
   */
  sweepOnly?: boolean;
}

export interface BenchRow {
  set: string;
  head:
    | HeadType
    | typeof SKLEARN
    | typeof LEGACY
    | typeof SKLEARN_SWEEP
    | typeof SKLEARN_SWEEP_MEAN;
  shots: Shots;
  seed: number;
  poolSamples: number;
  /** On the fixed test split. */
  accuracy: number;
  macroF1: number;
  /** Ours: the report's held-out estimate of accuracy, with its 95 % interval, and its protocol. */
  estimate: { accuracy: TrainingReport["evaluation"]["accuracy"]; protocol: string } | null;
  /** Ours: the whole protocol (evaluation, calibration, refit); sklearn: the CV search and refit. */
  fitMs: number;
  /** The same span in CPU time of the process (all its threads): less disturbed by other load. */
  fitCpuMs: number;
}

/**
 * Every head type through the API job's own protocol (trainHead: the TrainingRun a training job
 * advances step by step) and scikit-learn's LogisticRegression with C chosen by 5-fold CV on the
 * same pool, both scored on the same test split the protocols never see. For each embedding set,
 * shot count and seed the pool is `shots` samples per class. scikit-learn runs right after ours on
 * each pool; fit times are wall clock of the fitting alone (file loading excluded on both sides).
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
    const sklearnInput = await writeSklearnInput(set);
    const givenTest = set.samples.some((s) => s.split)
      ? set.samples.map((s) => s.split === "test")
      : null;
    for (const shots of shotsList) {
      for (const seed of seeds) {
        const split = shotSplit(y, givenTest, shots, seed);
        const row = { set: set.name, shots, seed, poolSamples: split.pool.length };
        const test = [...split.test].map((i) => set.samples[i] as EmbeddingSet["samples"][number]);
        for (const head of options.sweepOnly ? [] : headTypes) {
          const started = performance.now();
          const cpuStarted = process.cpuUsage();
          const { head: trained, report } = await trainHead({
            headType: head,
            backbone: set.backbone,
            samples: [...split.pool].map((i) => {
              const sample = set.samples[i] as EmbeddingSet["samples"][number];
              // The row's index names it in the report's per-sample predictions, as a content hash does in the job.
              return { features: sample.features, label: sample.label, hash: String(i) };
            }),
            options: {
              seed,
              sweep: { cGrid: [...cGrid] },
              hyperparameters: headHyperparameters(head, maxIterations),
            },
          });
          const fitMs = performance.now() - started;
          const fitCpuMs = cpuMsSince(cpuStarted);
          const predicted = trained.predict(
            test.map((s) => s.features),
            { abstain: false, topK: 1 },
          );
          const scores = testScores(
            test.map((s) => s.label),
            predicted.map((p) => p.label),
            labels,
          );
          rows.push({
            ...row,
            head,
            ...scores,
            estimate: {
              accuracy: report.evaluation.accuracy,
              protocol: describeProtocol(report),
            },
            fitMs,
            fitCpuMs,
          });
          console.error(
            `heads: ${set.name} ${head} shots=${shots} seed=${seed} test acc=${scores.accuracy.toFixed(4)} (estimate ${report.evaluation.accuracy.value.toFixed(4)}) ${fitMs.toFixed(0)} ms`,
          );
        }
        if (options.legacy || options.sweepOnly) {
          const sweepSplit = legacySplit(y, split.pool, seed);
          const started = performance.now();
          const cpuStarted = process.cpuUsage();
          const head = legacyLogisticHead(set, split.pool, sweepSplit, seed, cGrid, maxIterations);
          const fitMs = performance.now() - started;
          const fitCpuMs = cpuMsSince(cpuStarted);
          const predicted = head.predict(
            test.map((s) => s.features),
            { abstain: false, topK: 1 },
          );
          rows.push({
            ...row,
            head: LEGACY,
            ...testScores(
              test.map((s) => s.label),
              predicted.map((p) => p.label),
              labels,
            ),
            estimate: null,
            fitMs,
            fitCpuMs,
          });
          console.error(
            `heads: ${set.name} ${LEGACY} shots=${shots} seed=${seed} test acc=${rows.at(-1)?.accuracy.toFixed(4)} ${fitCpuMs.toFixed(0)} CPU ms`,
          );
          if (options.sweepOnly) {
            // Right after ours on the same split, so both see the same load on a shared machine.
            const global = (local: Int32Array) =>
              Int32Array.from(local, (j) => split.pool[j] as number);
            const task = {
              pool: split.pool,
              test: split.test,
              train: global(sweepSplit.train),
              validation: global(sweepSplit.validation),
            };
            const references = await runSklearn(
              sklearnInput,
              [task, { ...task, meanScaled: true }],
              cGrid,
              maxIterations,
            );
            ([SKLEARN_SWEEP, SKLEARN_SWEEP_MEAN] as const).forEach((head, i) => {
              const reference = references[i];
              if (!reference) throw new Error("heads bench: scikit-learn returned no result");
              rows.push({ ...row, head, ...referenceScores(reference) });
              console.error(
                `heads: ${set.name} ${head} shots=${shots} seed=${seed} test acc=${reference.accuracy.toFixed(4)} C=${reference.chosenC} ${reference.fitCpuMs.toFixed(0)} CPU ms`,
              );
            });
            continue;
          }
        }
        // Right after ours on the same pool, so both see the same load on a shared machine.
        const [reference] = await runSklearn(sklearnInput, [split], cGrid, maxIterations);
        if (!reference) throw new Error("heads bench: scikit-learn returned no result");
        rows.push({ ...row, head: SKLEARN, ...referenceScores(reference) });
        console.error(
          `heads: ${set.name} sklearn shots=${shots} seed=${seed} test acc=${reference.accuracy.toFixed(4)} C=${reference.chosenC}`,
        );
      }
    }
  }
  return rows;
}

/** The pre-issue-11 60/20/20 split of the pool, in pool positions (y: the set's class indices). */
function legacySplit(y: Int32Array, pool: Int32Array, seed: number): SplitIndices {
  const poolY = Int32Array.from(pool, (i) => y[i] as number);
  const classes = [...new Set(poolY)].sort((a, b) => a - b);
  const local = Int32Array.from(poolY, (k) => classes.indexOf(k));
  return stratifiedSplit(local, classes.length, DEFAULT_FRACTIONS, seed);
}

/** The logistic head as the API served it before issue 11: FitRun on a 60/20/20 split of the pool. */
function legacyLogisticHead(
  set: EmbeddingSet,
  pool: Int32Array,
  split: SplitIndices,
  seed: number,
  cGrid: readonly number[],
  maxIterations: number,
) {
  const samples = [...pool].map((i) => set.samples[i] as EmbeddingSet["samples"][number]);
  const labels = [...new Set(samples.map((s) => s.label))].sort();
  const y = Int32Array.from(samples, (s) => labels.indexOf(s.label));
  const run = new FitRun({
    spec: HEAD_SPECS.logistic,
    backbone: set.backbone,
    options: { seed, sweep: { cGrid: [...cGrid] }, hyperparameters: { maxIterations } },
    targetPrecision: null,
    X: fromRows(
      samples.map((s) => s.features),
      set.backbone.dim,
    ),
    y,
    labels,
    split,
  });
  while (!run.done) run.advance(STEP_FLOPS);
  return run.result.head;
}

function referenceScores(reference: SklearnResult) {
  const { accuracy, macroF1, fitMs, fitCpuMs } = reference;
  return { accuracy, macroF1, estimate: null, fitMs, fitCpuMs };
}

function cpuMsSince(started: NodeJS.CpuUsage): number {
  const cpu = process.cpuUsage(started);
  return (cpu.user + cpu.system) / 1000;
}

function headHyperparameters(head: HeadType, maxIterations: number): Record<string, number> {
  return head === "logistic" ? { maxIterations } : {};
}

function describeProtocol(report: TrainingReport): string {
  const { protocol } = report.evaluation;
  return protocol.kind === "cross-validation"
    ? `${protocol.folds}-fold CV ×${protocol.repeats}`
    : `holdout ${protocol.fractions.test}`;
}

/** Accuracy and macro-F1 (scikit-learn's zero_division=0) of predicted against true labels. */
export function testScores(
  truth: string[],
  predicted: string[],
  labels: string[],
): { accuracy: number; macroF1: number } {
  const correct = truth.filter((label, i) => predicted[i] === label).length;
  const f1 = labels.map((label) => {
    const tp = truth.filter((t, i) => t === label && predicted[i] === label).length;
    const actual = truth.filter((t) => t === label).length;
    const guessed = predicted.filter((p) => p === label).length;
    return tp > 0 ? (2 * tp) / (actual + guessed) : 0;
  });
  return {
    accuracy: correct / truth.length,
    macroF1: f1.reduce((a, b) => a + b, 0) / labels.length,
  };
}
