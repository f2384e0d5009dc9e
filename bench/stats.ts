/** Latency percentiles over timed runs (wall clock, after warm-up). */

import { SeededRandom } from "../adapters/random";

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

export interface Interval {
  readonly estimate: number;
  /** 95 % percentile-bootstrap bounds. */
  readonly low: number;
  readonly high: number;
  readonly resamples: number;
}

/**
 * The p-th percentile of `b` minus that of `a`, where a[i] and b[i] were timed together (one turn),
 * with a paired percentile bootstrap: turns are resampled whole, so load that hit both calls of a
 * turn stays paired. Seeded, so the interval is reproducible from the same times.
 */
export function percentileDifference(
  a: readonly number[],
  b: readonly number[],
  p: number,
  resamples = 4000,
): Interval {
  if (a.length !== b.length || a.length === 0) throw new Error("need paired, non-empty samples");
  const difference = (indices: ArrayLike<number>) => {
    const pick = (values: readonly number[]) =>
      Float64Array.from(indices, (i) => values[i] as number).sort();
    return percentile([...pick(b)], p) - percentile([...pick(a)], p);
  };
  const random = new SeededRandom(1);
  const n = a.length;
  const differences = Float64Array.from({ length: resamples }, () =>
    difference(Int32Array.from({ length: n }, () => random.nextInt(n))),
  ).sort();
  return {
    estimate: difference(Int32Array.from({ length: n }, (_, i) => i)),
    low: percentile([...differences], 0.025),
    high: percentile([...differences], 0.975),
    resamples,
  };
}
