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
  return pairedBootstrap(
    pairedLength([a, b]),
    (indices) => {
      const pick = (values: readonly number[]) =>
        Float64Array.from(indices, (i) => values[i] as number).sort();
      return percentile([...pick(b)], p) - percentile([...pick(a)], p);
    },
    resamples,
  );
}

/** Per held-out item, 1 where a classifier got it right and 0 where it did not. */
export type Correctness = Uint8Array;

/**
 * Accuracy of `b` minus that of `a` on one test set, with a paired percentile bootstrap: items are
 * resampled whole, so both classifiers are scored on the same draw and what they share cancels.
 */
export function accuracyDifference(a: Correctness, b: Correctness, resamples = 4000): Interval {
  return pairedBootstrap(
    pairedLength([a, b]),
    (indices) => accuracyOn(b, indices) - accuracyOn(a, indices),
    resamples,
  );
}

/**
 * How often the classifier with the best accuracy on the whole test set stays within `tolerance`
 * of the best one on a test set drawn again (bootstrap, items resampled whole). It is the share of
 * "within `tolerance` of the best held-out candidate" that even a pick knowing which candidate is
 * best held out keeps on another draw of the same size: the ceiling the test set's noise leaves.
 */
export function bestStaysWithinRate(
  candidates: readonly Correctness[],
  tolerance: number,
  resamples = 1000,
): number {
  const n = pairedLength(candidates);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const accuracies = (indices: ArrayLike<number>) => candidates.map((c) => accuracyOn(c, indices));
  const whole = accuracies(all);
  const best = whole.indexOf(Math.max(...whole));
  const random = new SeededRandom(1);
  let stays = 0;
  for (let r = 0; r < resamples; r++) {
    const drawn = accuracies(Int32Array.from({ length: n }, () => random.nextInt(n)));
    if (Math.max(...drawn) - (drawn[best] as number) <= tolerance) stays++;
  }
  return stays / resamples;
}

/** The common length of series observed together; they must be non-empty and of one length. */
function pairedLength(series: readonly ArrayLike<unknown>[]): number {
  const n = series[0]?.length ?? 0;
  if (n === 0 || series.some((s) => s.length !== n))
    throw new Error("need paired, non-empty samples");
  return n;
}

function accuracyOn(correct: Correctness, indices: ArrayLike<number>): number {
  let right = 0;
  for (let k = 0; k < indices.length; k++) right += correct[indices[k] as number] as number;
  return right / indices.length;
}

/**
 * A statistic of n paired observations with its 95 % percentile-bootstrap interval: observations
 * are resampled whole (`statistic` gets the drawn indices). Seeded, so it is reproducible.
 */
function pairedBootstrap(
  n: number,
  statistic: (indices: ArrayLike<number>) => number,
  resamples: number,
): Interval {
  const random = new SeededRandom(1);
  const values = Float64Array.from({ length: resamples }, () =>
    statistic(Int32Array.from({ length: n }, () => random.nextInt(n))),
  ).sort();
  return {
    estimate: statistic(Int32Array.from({ length: n }, (_, i) => i)),
    low: percentile([...values], 0.025),
    high: percentile([...values], 0.975),
    resamples,
  };
}
