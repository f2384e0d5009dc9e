import { type BenchRow, LEGACY, SKLEARN, SKLEARN_SWEEP, SKLEARN_SWEEP_MEAN } from "./bench-heads";

const REFERENCES: readonly BenchRow["head"][] = [SKLEARN, SKLEARN_SWEEP, SKLEARN_SWEEP_MEAN];

/**
 * One line per (set, shots, head): mean ± standard deviation over seeds of test accuracy and
 * macro-F1, the difference to scikit-learn's test accuracy on the same pools (points, mean over
 * seeds; LEGACY against SKLEARN_SWEEP when that ran), the report's own held-out estimate (mean over
 * seeds, with the mean 95 % interval), mean fit time in wall clock and in CPU time, and the CPU-time
 * ratio where both sides did the same work (LEGACY ÷ SKLEARN_SWEEP and ÷ SKLEARN_SWEEP_MEAN, ratios
 * of the means).
 */
export function headsMarkdown(rows: BenchRow[]): string {
  const groups = new Map<string, BenchRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.set, row.shots, row.head]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const sameWork = (row: BenchRow) =>
    row.head === LEGACY && rows.some((r) => r.head === SKLEARN_SWEEP) ? SKLEARN_SWEEP : SKLEARN;
  const reference = (row: BenchRow, head = sameWork(row)) =>
    rows.find(
      (r) => r.head === head && r.set === row.set && r.shots === row.shots && r.seed === row.seed,
    );
  const lines = [
    "| set | shots/class | pool | head | test accuracy | test macro-F1 | Δ accuracy vs sklearn (pts) | report's estimate (protocol: accuracy [95 % interval]) | fit ms | fit CPU ms | CPU time ÷ sklearn, same work | CPU time ÷ sklearn mean-scaled (≥ 1.4) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const group of groups.values()) {
    const first = group[0] as BenchRow;
    const fitCpuMs = mean(group.map((r) => r.fitCpuMs));
    const cpuRatio = (head: BenchRow["head"]) =>
      sameWork(first) === SKLEARN_SWEEP && rows.some((r) => r.head === head)
        ? (fitCpuMs / mean(group.map((r) => reference(r, head)?.fitCpuMs ?? Number.NaN))).toFixed(2)
        : "";
    const delta = REFERENCES.includes(first.head)
      ? "—"
      : signed(mean(group.map((r) => 100 * (r.accuracy - (reference(r)?.accuracy ?? Number.NaN)))));
    const estimates = group.flatMap((r) => (r.estimate ? [r.estimate] : []));
    const estimate =
      estimates.length === 0
        ? "—"
        : `${estimates[0]?.protocol}: ${pct(mean(estimates.map((e) => e.accuracy.value)))} [${pct(mean(estimates.map((e) => e.accuracy.low)))}, ${pct(mean(estimates.map((e) => e.accuracy.high)))}]`;
    lines.push(
      // A fusion's set name joins its parts with |, which would split the cell.
      `| ${first.set.replaceAll("|", "\\|")} | ${first.shots} | ${first.poolSamples} | ${first.head} | ${spread(group.map((r) => r.accuracy))} | ${spread(group.map((r) => r.macroF1))} | ${delta} | ${estimate} | ${mean(group.map((r) => r.fitMs)).toFixed(0)} | ${fitCpuMs.toFixed(0)} | ${cpuRatio(SKLEARN_SWEEP)} | ${cpuRatio(SKLEARN_SWEEP_MEAN)} |`,
    );
  }
  return lines.join("\n");
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function pct(value: number): string {
  return (100 * value).toFixed(1);
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(1)}`;
}

function spread(values: number[]): string {
  const m = mean(values);
  const sd = Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
  return `${(100 * m).toFixed(1)} ± ${(100 * sd).toFixed(1)}`;
}
