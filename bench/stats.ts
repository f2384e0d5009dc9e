/** Latency percentiles over timed runs (wall clock, after warm-up). */

export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly runs: number;
}

export async function measure(
  run: () => Promise<void>,
  warmup: number,
  runs: number,
): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), runs };
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}
