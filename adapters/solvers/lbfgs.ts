import { arrayOf, type FitCheckpoint, scalarOf } from "../fit-process";
import { gemmKernel, type VectorBlock } from "../linalg/gemm";
import { maxAbs } from "../linalg/vector";
import type { Objective } from "./objective";
import { strongWolfeLineSearch } from "./strong-wolfe";

export interface LbfgsOptions {
  maxIterations?: number;
  /** Stop when max_j |g_j| <= this (scipy's `gtol`, which scikit-learn sets to its `tol`)... */
  gradientTolerance?: number;
  /** ...or when max_j |g_j| <= this * |f|, a tolerance that tightens as the objective shrinks. */
  relativeGradientTolerance?: number;
  /** Stop when (f_prev - f) / max(|f_prev|, |f|, 1) <= this (scipy's `ftol`, default factr 1e7 * eps). */
  functionTolerance?: number;
  /** Number of correction pairs kept (scipy's `maxcor`). */
  memory?: number;
  maxLineSearchEvaluations?: number;
}

export type LbfgsStopReason = "gradient" | "function" | "max-iterations" | "line-search";

export interface LbfgsResult {
  x: Float64Array;
  value: number;
  gradientMaxAbs: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  stopReason: LbfgsStopReason;
}

const DEFAULTS: Required<LbfgsOptions> = {
  maxIterations: 100,
  gradientTolerance: 1e-5,
  relativeGradientTolerance: 0,
  functionTolerance: 1e7 * Number.EPSILON,
  memory: 10,
  maxLineSearchEvaluations: 25,
};

/**
 * Limited-memory BFGS (Nocedal & Wright, Algorithm 7.5). The inverse Hessian is applied implicitly from
 * the last m pairs s = x_{k+1} - x_k, y = g_{k+1} - g_k by the two-loop recursion, scaled by
 * gamma = s.y / y.y; steps satisfy the strong Wolfe conditions, which keep s.y > 0.
 * All buffers are allocated once, so an iteration costs two objective evaluations at most in practice.
 */
export function minimizeLbfgs(
  objective: Objective,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const search = new Lbfgs(objective, x0, options);
  while (!search.stopped) search.iterate();
  return search.result;
}

/**
 * The same minimisation one iteration at a time, with its whole state (iterate, gradient, correction
 * pairs, counters) readable as a checkpoint and restorable from one, so a long fit can run in steps.
 */
export class Lbfgs {
  private readonly opts: Required<LbfgsOptions>;
  /** The iterate, its gradient, their next values and the direction, then the correction pairs. */
  private readonly block: VectorBlock;
  private readonly memory: CorrectionMemory;
  // Indices into the block's views; x/xNext and gradient/gradientNext swap after each step.
  private x = 0;
  private gradient = 1;
  private xNext = 2;
  private gradientNext = 3;
  private readonly direction = 4;
  private value: number;
  private iteration = 0;
  evaluations = 1;
  private stop: { converged: boolean; reason: LbfgsStopReason } | null = null;

  constructor(
    private readonly objective: Objective,
    x0: Float64Array,
    options: LbfgsOptions = {},
    resume?: FitCheckpoint,
  ) {
    this.opts = { ...DEFAULTS, ...options };
    const n = x0.length;
    const ownVectors = 5;
    this.block = gemmKernel().vectors(ownVectors + CorrectionMemory.vectors(this.opts.memory), n);
    this.memory = new CorrectionMemory(this.block, ownVectors, this.opts.memory, n);
    this.view(this.x).set(x0);
    if (resume) {
      this.view(this.x).set(arrayOf(resume, "x", n));
      this.view(this.gradient).set(arrayOf(resume, "gradient", n));
      this.value = scalarOf(resume, "value");
      this.iteration = scalarOf(resume, "iteration");
      this.evaluations = scalarOf(resume, "evaluations");
      this.memory.restore(resume);
      return;
    }
    this.value = objective(this.view(this.x), this.view(this.gradient));
    if (this.gradientSmallEnough()) this.stop = { converged: true, reason: "gradient" };
  }

  get stopped(): boolean {
    return this.stop !== null;
  }

  get iterations(): number {
    return this.iteration;
  }

  get maxIterations(): number {
    return this.opts.maxIterations;
  }

  /** x is a copy: the block's memory belongs to the search. */
  get result(): LbfgsResult {
    return {
      x: Float64Array.from(this.view(this.x)),
      value: this.value,
      gradientMaxAbs: maxAbs(this.view(this.gradient)),
      iterations: this.iteration,
      evaluations: this.evaluations,
      converged: this.stop?.converged ?? false,
      stopReason: this.stop?.reason ?? "max-iterations",
    };
  }

  /** One iteration: a search direction, a line search along it, and the stopping tests. */
  iterate(): void {
    if (this.stop) return;
    if (this.iteration >= this.opts.maxIterations) {
      this.stop = { converged: false, reason: "max-iterations" };
      return;
    }
    this.iteration++;
    const { memory, direction, gradient, block } = this;
    memory.applyInverseHessian(this.view(gradient), direction);
    block.scale(-1, direction);
    let slope = block.dot(gradient, direction);
    if (!(slope < 0)) {
      // Lost descent (numerical trouble): restart from steepest descent.
      memory.clear();
      this.view(direction).set(this.view(gradient));
      block.scale(-1, direction);
      slope = block.dot(gradient, direction);
    }
    const initialStep = memory.size === 0 ? 1 / Math.sqrt(-slope) : 1;
    const search = strongWolfeLineSearch(
      this.objective,
      {
        value: this.value,
        slope,
        initialStep,
        maxEvaluations: this.opts.maxLineSearchEvaluations,
      },
      {
        block,
        x: this.x,
        direction,
        xOut: this.xNext,
        gradientOut: this.gradientNext,
      },
    );
    this.evaluations += search.evaluations;
    if (!search.found) {
      if (memory.size === 0) this.stop = { converged: false, reason: "line-search" };
      else memory.clear();
      return;
    }
    memory.push(this.x, this.xNext, gradient, this.gradientNext);
    const previousValue = this.value;
    [this.x, this.xNext] = [this.xNext, this.x];
    [this.gradient, this.gradientNext] = [this.gradientNext, this.gradient];
    this.value = search.value;
    if (this.gradientSmallEnough()) {
      this.stop = { converged: true, reason: "gradient" };
      return;
    }
    const relativeDecrease =
      (previousValue - this.value) / Math.max(Math.abs(previousValue), Math.abs(this.value), 1);
    if (relativeDecrease <= this.opts.functionTolerance) {
      this.stop = { converged: true, reason: "function" };
    } else if (this.iteration >= this.opts.maxIterations) {
      this.stop = { converged: false, reason: "max-iterations" };
    }
  }

  /** Only taken between iterations of a search that has not stopped. */
  checkpoint(): FitCheckpoint {
    return {
      scalars: {
        value: this.value,
        iteration: this.iteration,
        evaluations: this.evaluations,
        ...this.memory.scalars(),
      },
      arrays: {
        x: Float64Array.from(this.view(this.x)),
        gradient: Float64Array.from(this.view(this.gradient)),
        ...this.memory.arrays(),
      },
    };
  }

  private view(index: number): Float64Array {
    return this.block.views[index] as Float64Array;
  }

  private gradientSmallEnough(): boolean {
    return (
      maxAbs(this.view(this.gradient)) <=
      Math.max(
        this.opts.gradientTolerance,
        this.opts.relativeGradientTolerance * Math.abs(this.value),
      )
    );
  }
}

/**
 * Circular buffer of the last m correction pairs (s, y) with rho = 1 / s.y, in the search's
 * VectorBlock from `base` on (slots base..base+m-1: s, the next m: y, then the two-loop recursion's
 * work vector), so the recursion's 4mn multiply-adds run where the kernel computes.
 */
class CorrectionMemory {
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private readonly work: number;
  private newest = -1;
  size = 0;

  /** Vectors a memory of `capacity` pairs takes in the block. */
  static vectors(capacity: number): number {
    return 2 * capacity + 1;
  }

  constructor(
    private readonly block: VectorBlock,
    private readonly base: number,
    private readonly capacity: number,
    private readonly dimension: number,
  ) {
    this.rho = new Float64Array(capacity);
    this.alpha = new Float64Array(capacity);
    this.work = base + 2 * capacity;
  }

  clear(): void {
    this.size = 0;
    this.newest = -1;
  }

  scalars(): Record<string, number> {
    return { memorySize: this.size, memoryNewest: this.newest };
  }

  /** The pairs as two (capacity x n) blocks and their rho; slots keep their positions. */
  arrays(): Record<string, Float64Array> {
    const n = this.dimension;
    const s = new Float64Array(this.capacity * n);
    const y = new Float64Array(this.capacity * n);
    for (let slot = 0; slot < this.capacity; slot++) {
      s.set(this.view(this.s(slot)), slot * n);
      y.set(this.view(this.y(slot)), slot * n);
    }
    return { memoryS: s, memoryY: y, memoryRho: Float64Array.from(this.rho) };
  }

  restore(checkpoint: FitCheckpoint): void {
    const n = this.dimension;
    const s = arrayOf(checkpoint, "memoryS", this.capacity * n);
    const y = arrayOf(checkpoint, "memoryY", this.capacity * n);
    for (let slot = 0; slot < this.capacity; slot++) {
      this.view(this.s(slot)).set(s.subarray(slot * n, (slot + 1) * n));
      this.view(this.y(slot)).set(y.subarray(slot * n, (slot + 1) * n));
    }
    this.rho.set(arrayOf(checkpoint, "memoryRho", this.capacity));
    this.size = scalarOf(checkpoint, "memorySize");
    this.newest = scalarOf(checkpoint, "memoryNewest");
  }

  /**
   * Stores the pair of block vectors (xNext - x, gNext - g) unless s.y is not safely positive,
   * which would break positive definiteness. (a + (-1) b is exactly a - b.)
   */
  push(x: number, xNext: number, g: number, gNext: number): void {
    const { block } = this;
    const slot = (this.newest + 1) % this.capacity;
    const [s, y] = [this.s(slot), this.y(slot)];
    this.view(s).set(this.view(xNext));
    block.axpy(-1, x, s);
    this.view(y).set(this.view(gNext));
    block.axpy(-1, g, y);
    const sy = block.dot(s, y);
    if (!(sy > Number.EPSILON * block.dot(y, y))) {
      // The slot held the oldest pair when full; it is overwritten, so drop it from the history.
      if (this.size === this.capacity) this.size--;
      return;
    }
    this.rho[slot] = 1 / sy;
    this.newest = slot;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Block vector `out` = H g by the two-loop recursion. */
  applyInverseHessian(g: Float64Array, out: number): void {
    const { block, capacity, work } = this;
    if (this.size === 0) {
      this.view(out).set(g);
      return;
    }
    this.view(work).set(g);
    const slotAt = (age: number) => (this.newest - age + capacity) % capacity;
    for (let age = 0; age < this.size; age++) {
      const slot = slotAt(age);
      const a = (this.rho[slot] as number) * block.dot(this.s(slot), work);
      this.alpha[slot] = a;
      block.axpy(-a, this.y(slot), work);
    }
    const newestY = this.y(this.newest);
    block.scale(1 / ((this.rho[this.newest] as number) * block.dot(newestY, newestY)), work);
    for (let age = this.size - 1; age >= 0; age--) {
      const slot = slotAt(age);
      const b = (this.rho[slot] as number) * block.dot(this.y(slot), work);
      block.axpy((this.alpha[slot] as number) - b, this.s(slot), work);
    }
    this.view(out).set(this.view(work));
  }

  private s(slot: number): number {
    return this.base + slot;
  }

  private y(slot: number): number {
    return this.base + this.capacity + slot;
  }

  private view(index: number): Float64Array {
    return this.block.views[index] as Float64Array;
  }
}
