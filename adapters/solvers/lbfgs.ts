import { arrayOf, type FitCheckpoint, scalarOf } from "../fit-process";
import { maxAbs } from "../linalg/vector";
import type { Objective } from "./objective";
import { coordinateSpace, type SearchSpace, type SpaceFactory } from "./search-space";
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
  const search = new Lbfgs(coordinateSpace(objective, x0), options);
  while (!search.stopped) search.iterate();
  return search.result;
}

/**
 * The same minimisation one iteration at a time, with its whole state (iterate, gradient, correction
 * pairs, counters) readable as a checkpoint and restorable from one, so a long fit can run in steps.
 * Its vectors live in a SearchSpace, which may store them in another form than their coordinates.
 */
export class Lbfgs {
  private readonly opts: Required<LbfgsOptions>;
  /** The iterate, its gradient, their next values and the direction, then the correction pairs. */
  private readonly space: SearchSpace;
  private readonly memory: CorrectionMemory;
  // Indices of the space's vectors; x/xNext and gradient/gradientNext swap after each step.
  private x = 0;
  private gradient = 1;
  private xNext = 2;
  private gradientNext = 3;
  private readonly direction = 4;
  private value: number;
  private iteration = 0;
  evaluations = 1;
  private stop: { converged: boolean; reason: LbfgsStopReason } | null = null;

  constructor(createSpace: SpaceFactory, options: LbfgsOptions = {}, resume?: FitCheckpoint) {
    this.opts = { ...DEFAULTS, ...options };
    const ownVectors = 5;
    this.space = createSpace(ownVectors + CorrectionMemory.vectors(this.opts.memory));
    const n = this.space.storedLength;
    this.memory = new CorrectionMemory(this.space, ownVectors, this.opts.memory);
    if (resume) {
      this.space.restore(this.x, arrayOf(resume, "x", n));
      this.space.restore(this.gradient, arrayOf(resume, "gradient", n));
      this.value = scalarOf(resume, "value");
      this.iteration = scalarOf(resume, "iteration");
      this.evaluations = scalarOf(resume, "evaluations");
      this.memory.restore(resume);
      return;
    }
    this.space.writeStart(this.x);
    this.value = this.space.evaluate(this.x, this.gradient);
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

  /** x is a copy, in coordinates: the space's memory belongs to the search. */
  get result(): LbfgsResult {
    return {
      x: this.space.coordinates(this.x),
      value: this.value,
      gradientMaxAbs: maxAbs(this.space.coordinates(this.gradient)),
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
    const { memory, direction, gradient, space } = this;
    memory.applyInverseHessian(gradient, direction);
    space.scale(-1, direction);
    let slope = space.dot(gradient, direction);
    if (!(slope < 0)) {
      // Lost descent (numerical trouble): restart from steepest descent.
      memory.clear();
      space.copy(gradient, direction);
      space.scale(-1, direction);
      slope = space.dot(gradient, direction);
    }
    const initialStep = memory.size === 0 ? 1 / Math.sqrt(-slope) : 1;
    const search = strongWolfeLineSearch(
      {
        value: this.value,
        slope,
        initialStep,
        maxEvaluations: this.opts.maxLineSearchEvaluations,
      },
      {
        space,
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
        x: this.space.stored(this.x),
        gradient: this.space.stored(this.gradient),
        ...this.memory.arrays(),
      },
    };
  }

  private gradientSmallEnough(): boolean {
    return this.space.maxAbsAtMost(
      this.gradient,
      Math.max(
        this.opts.gradientTolerance,
        this.opts.relativeGradientTolerance * Math.abs(this.value),
      ),
    );
  }
}

/**
 * Circular buffer of the last m correction pairs (s, y) with rho = 1 / s.y, in the search's
 * space from `base` on (slots base..base+m-1: s, the next m: y, then the two-loop recursion's
 * work vector), so the recursion's 4mn multiply-adds run where the space computes.
 */
class CorrectionMemory {
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private readonly work: number;
  private newest = -1;
  size = 0;

  /** Vectors a memory of `capacity` pairs takes in the space. */
  static vectors(capacity: number): number {
    return 2 * capacity + 1;
  }

  constructor(
    private readonly space: SearchSpace,
    private readonly base: number,
    private readonly capacity: number,
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
    const n = this.space.storedLength;
    const s = new Float64Array(this.capacity * n);
    const y = new Float64Array(this.capacity * n);
    for (let slot = 0; slot < this.capacity; slot++) {
      s.set(this.space.stored(this.s(slot)), slot * n);
      y.set(this.space.stored(this.y(slot)), slot * n);
    }
    return { memoryS: s, memoryY: y, memoryRho: Float64Array.from(this.rho) };
  }

  restore(checkpoint: FitCheckpoint): void {
    const n = this.space.storedLength;
    const s = arrayOf(checkpoint, "memoryS", this.capacity * n);
    const y = arrayOf(checkpoint, "memoryY", this.capacity * n);
    for (let slot = 0; slot < this.capacity; slot++) {
      this.space.restore(this.s(slot), s.subarray(slot * n, (slot + 1) * n));
      this.space.restore(this.y(slot), y.subarray(slot * n, (slot + 1) * n));
    }
    this.rho.set(arrayOf(checkpoint, "memoryRho", this.capacity));
    this.size = scalarOf(checkpoint, "memorySize");
    this.newest = scalarOf(checkpoint, "memoryNewest");
  }

  /**
   * Stores the pair of vectors (xNext - x, gNext - g) unless s.y is not safely positive,
   * which would break positive definiteness. (a + (-1) b is exactly a - b.)
   */
  push(x: number, xNext: number, g: number, gNext: number): void {
    const { space } = this;
    const slot = (this.newest + 1) % this.capacity;
    const [s, y] = [this.s(slot), this.y(slot)];
    space.copy(xNext, s);
    space.axpy(-1, x, s);
    space.copy(gNext, y);
    space.axpy(-1, g, y);
    const sy = space.dot(s, y);
    if (!(sy > Number.EPSILON * space.dot(y, y))) {
      // The slot held the oldest pair when full; it is overwritten, so drop it from the history.
      if (this.size === this.capacity) this.size--;
      return;
    }
    this.rho[slot] = 1 / sy;
    this.newest = slot;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** Vector `out` = H g by the two-loop recursion. */
  applyInverseHessian(g: number, out: number): void {
    const { space, capacity, work } = this;
    if (this.size === 0) {
      space.copy(g, out);
      return;
    }
    space.copy(g, work);
    const slotAt = (age: number) => (this.newest - age + capacity) % capacity;
    for (let age = 0; age < this.size; age++) {
      const slot = slotAt(age);
      const a = (this.rho[slot] as number) * space.dot(this.s(slot), work);
      this.alpha[slot] = a;
      space.axpy(-a, this.y(slot), work);
    }
    const newestY = this.y(this.newest);
    space.scale(1 / ((this.rho[this.newest] as number) * space.dot(newestY, newestY)), work);
    for (let age = this.size - 1; age >= 0; age--) {
      const slot = slotAt(age);
      const b = (this.rho[slot] as number) * space.dot(this.y(slot), work);
      space.axpy((this.alpha[slot] as number) - b, this.s(slot), work);
    }
    space.copy(work, out);
  }

  private s(slot: number): number {
    return this.base + slot;
  }

  private y(slot: number): number {
    return this.base + this.capacity + slot;
  }
}
