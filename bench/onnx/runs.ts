/** How many warm-up and timed runs each batch size gets, shared by every ONNX benchmark table. */

export interface BatchRuns {
  readonly batch: number;
  readonly warmup: number;
  readonly runs: number;
}

export const FULL_RUNS: readonly BatchRuns[] = [
  { batch: 1, warmup: 5, runs: 30 },
  { batch: 16, warmup: 1, runs: 8 },
];

/** One pass over every path, to check it works end to end (figures meaningless). */
export const QUICK_RUNS: readonly BatchRuns[] = [
  { batch: 1, warmup: 1, runs: 3 },
  { batch: 16, warmup: 0, runs: 1 },
];
