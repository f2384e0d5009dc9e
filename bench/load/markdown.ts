/** The load benchmark's markdown section: outcomes per phase, latency per request kind, the p99 ratio. */

import { PICTURE_SIDE, REQUEST_KINDS, type RequestKind } from "./requests";
import type { LoadResult } from "./run-load";
import { LONG_TRAINING, type TrainingLog } from "./training";

export interface LoadReport {
  readonly seconds: number;
  readonly timeoutMs: number;
  readonly concurrencies: readonly number[];
  /** One result per concurrency, in the same order: without training, then during it. */
  readonly quiet: readonly LoadResult[];
  readonly busy: readonly LoadResult[];
  readonly training: TrainingLog;
}

const PREDICT_KINDS: readonly RequestKind[] = ["predict-text", "predict-image"];
const ms = (value: number) => (Number.isNaN(value) ? "–" : value.toFixed(0));

export function loadMarkdown(report: LoadReport): string {
  const phases = report.concurrencies.flatMap((concurrency, index) => [
    { concurrency, training: "no", result: report.quiet[index] },
    { concurrency, training: "yes", result: report.busy[index] },
  ]);
  const rows = phases.flatMap(({ concurrency, training, result }) =>
    result ? [{ concurrency, training, result }] : [],
  );
  return [
    "## Load: mixed requests against `npm start`, with and without a long training",
    "",
    `${report.seconds} s per phase of closed-loop load: each client sends its next request when the last has answered, the kinds taking turns (text prediction, image prediction on a ${PICTURE_SIDE}×${PICTURE_SIDE} PNG, a one-sample text upload, a one-text \`/v1/embed\`). All phases without training run first, then all phases with one: another tenant trains an MLP head with \`${JSON.stringify(LONG_TRAINING.hyperparameters)}\` on 200 samples, restarted whenever it finishes. A request unanswered after ${report.timeoutMs / 1000} s is a timeout. Latencies are client-side wall clock over the 2xx answers.`,
    "",
    "| concurrency | training | requests | req/s | 5xx | resets | timeouts | results |",
    "|---:|:---:|---:|---:|---:|---:|---:|---|",
    ...rows
      .map(({ concurrency, training, result }) =>
        [
          concurrency,
          training,
          result.requests,
          (result.requests / (result.elapsedMs / 1000)).toFixed(1),
          result.serverErrors,
          result.results.get("reset") ?? 0,
          result.results.get("timeout") ?? 0,
          [...result.results].map(([kind, count]) => `${kind} ×${count}`).join(", "),
        ].join(" | "),
      )
      .map((line) => `| ${line} |`),
    "",
    "Latency per request kind (ms: p50 / p95 / p99; n = requests sent):",
    "",
    `| concurrency | training | ${REQUEST_KINDS.join(" | ")} |`,
    `|---:|:---:|${REQUEST_KINDS.map(() => "---:").join("|")}|`,
    ...rows.map(
      ({ concurrency, training, result }) =>
        `| ${concurrency} | ${training} | ${REQUEST_KINDS.map((kind) => {
          const latency = result.byKind.get(kind);
          return latency
            ? `${ms(latency.p50)} / ${ms(latency.p95)} / ${ms(latency.p99)} (n=${latency.requests})`
            : "–";
        }).join(" | ")} |`,
    ),
    "",
    "p99 of predictions during training ÷ p99 without it (target ≤ 2), per kind:",
    "",
    `| concurrency | ${PREDICT_KINDS.join(" | ")} |`,
    `|---:|${PREDICT_KINDS.map(() => "---:").join("|")}|`,
    ...report.concurrencies.map(
      (concurrency, index) =>
        `| ${concurrency} | ${PREDICT_KINDS.map((kind) => ratio(report, index, kind)).join(" | ")} |`,
    ),
    "",
    trainingLine(report.training),
    "",
    targetsLine(report),
  ].join("\n");
}

function ratio(report: LoadReport, index: number, kind: RequestKind): string {
  const without = report.quiet[index]?.byKind.get(kind)?.p99 ?? Number.NaN;
  const during = report.busy[index]?.byKind.get(kind)?.p99 ?? Number.NaN;
  if (Number.isNaN(without) || Number.isNaN(during)) return "– (no 2xx answers)";
  return `${(during / without).toFixed(2)} (${ms(during)} ÷ ${ms(without)})`;
}

function trainingLine(log: TrainingLog): string {
  const each = log.secondsEach.map((seconds) => seconds.toFixed(0)).join(", ");
  const errors =
    log.startErrors.length > 0 ? `; starts refused or lost: ${log.startErrors.length}` : "";
  const { count, maxMs, computeMs } = log.steps;
  const steps =
    count > 0
      ? ` Their steps (the unfinished job's so far): ${count}, ${(computeMs / count).toFixed(0)} ms each on average, ${maxMs.toFixed(0)} ms at most.`
      : "";
  return `Training jobs during the load: ${log.started} started, ${log.succeeded} succeeded, ${log.failed} failed${each ? ` (seconds each: ${each})` : ""}${errors}.${steps}`;
}

function targetsLine(report: LoadReport): string {
  const all = [...report.quiet, ...report.busy];
  const serverErrors = all.reduce((sum, result) => sum + result.serverErrors, 0);
  const resets = all.reduce((sum, result) => sum + (result.results.get("reset") ?? 0), 0);
  return `Targets: 0 5xx (measured ${serverErrors}), 0 resets (measured ${resets}), p99 ratio ≤ 2 (above).`;
}
