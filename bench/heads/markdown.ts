import { type BenchRow, SKLEARN } from "./bench-heads";

/**
 * One line per (set, shots, head): mean ± standard deviation over seeds of test accuracy and
 * macro-F1, mean fit time, and the fit-time ratio to scikit-learn on the same splits, in wall clock
 * and in CPU time.
 */
export function headsMarkdown(rows: BenchRow[]): string {
  const groups = new Map<string, BenchRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.set, row.shots, row.head]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const sklearn = (set: string, shots: BenchRow["shots"]) =>
    groups.get(JSON.stringify([set, shots, SKLEARN])) ?? [];
  const lines = [
    "| set | shots/class | train+val samples | head | accuracy | macro-F1 | fit ms | fit time / sklearn | fit CPU ms | CPU time / sklearn |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const group of groups.values()) {
    const first = group[0] as BenchRow;
    const reference = sklearn(first.set, first.shots);
    const fitMs = mean(group.map((r) => r.fitMs));
    const fitCpuMs = mean(group.map((r) => r.fitCpuMs));
    const wallRatio = fitMs / mean(reference.map((r) => r.fitMs));
    const cpuRatio = fitCpuMs / mean(reference.map((r) => r.fitCpuMs));
    lines.push(
      `| ${first.set} | ${first.shots} | ${first.trainSamples} | ${first.head} | ${spread(group.map((r) => r.accuracy))} | ${spread(group.map((r) => r.macroF1))} | ${fitMs.toFixed(0)} | ${wallRatio.toFixed(2)} | ${fitCpuMs.toFixed(0)} | ${cpuRatio.toFixed(2)} |`,
    );
  }
  return lines.join("\n");
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function spread(values: number[]): string {
  const m = mean(values);
  const sd = Math.sqrt(mean(values.map((v) => (v - m) ** 2)));
  return `${(100 * m).toFixed(1)} ± ${(100 * sd).toFixed(1)}`;
}
