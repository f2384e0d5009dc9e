/**
 * Fits that run in bounded steps. A caller advances a fit by a budget of work, can do other things in
 * between (serve requests, write a checkpoint), and can resume it later from its checkpoint in another
 * process. Work is counted in floating-point operations, not time: workerd in production does not
 * advance its clock during computation, and a count makes where a step ends reproducible.
 */

/** Everything needed to continue a fit exactly where it stopped, as plain numbers and float64 arrays. */
export interface FitCheckpoint {
  scalars: Record<string, number>;
  arrays: Record<string, Float64Array>;
}

export interface FitProcess {
  readonly done: boolean;
  /** How far the fit is, in [0, 1] (epochs or iterations against their maximum). */
  readonly fraction: number;
  /** What an iterative fit says of its last epoch, for progress (e.g. the MLP's validation loss). */
  readonly status?: string | null;
  /**
   * Runs whole units of work (one solver iteration, one mini-batch) until at least `flops` are spent
   * or the fit ends; returns the flops spent. The first unit always runs, however small the budget.
   */
  advance(flops: number): number;
  /** Lossless: a fit resumed from it gives the same model as one that never stopped. */
  checkpoint(): FitCheckpoint;
}

/** A fit done in a single unit (closed-form estimators). */
export function singleUnitFit(flops: number, compute: () => void): FitProcess {
  let done = false;
  return {
    get done() {
      return done;
    },
    get fraction() {
      return done ? 1 : 0;
    },
    advance() {
      if (!done) compute();
      done = true;
      return flops;
    },
    checkpoint: () => ({ scalars: {}, arrays: {} }),
  };
}

/** Runs a fit to its end in one go (what `Classifier.fit` does). */
export function runToEnd(process: FitProcess): void {
  while (!process.done) process.advance(Number.POSITIVE_INFINITY);
}

export function scalarOf(checkpoint: FitCheckpoint, name: string): number {
  const value = checkpoint.scalars[name];
  if (typeof value !== "number") throw new Error(`fit checkpoint: scalar "${name}" missing`);
  return value;
}

export function arrayOf(checkpoint: FitCheckpoint, name: string, length?: number): Float64Array {
  const array = checkpoint.arrays[name];
  if (!(array instanceof Float64Array) || (length !== undefined && array.length !== length)) {
    throw new Error(`fit checkpoint: array "${name}" missing or not of length ${length}`);
  }
  return array;
}
