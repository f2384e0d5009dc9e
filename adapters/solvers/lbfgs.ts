import { arrayOf, type FitCheckpoint, scalarOf } from "../fit-process";
import { gemmKernel, type VectorBlock } from "../linalg/gemm";
import { dotAll, maxAbs } from "../linalg/vector";
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
  private readonly memory: CorrectionMemory;
  private x: Float64Array;
  private gradient: Float64Array;
  private xNext: Float64Array;
  private gradientNext: Float64Array;
  private readonly direction: Float64Array;
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
    this.memory = new CorrectionMemory(this.opts.memory, n);
    this.x = Float64Array.from(x0);
    this.gradient = new Float64Array(n);
    this.xNext = new Float64Array(n);
    this.gradientNext = new Float64Array(n);
    this.direction = new Float64Array(n);
    if (resume) {
      this.x.set(arrayOf(resume, "x", n));
      this.gradient.set(arrayOf(resume, "gradient", n));
      this.value = scalarOf(resume, "value");
      this.iteration = scalarOf(resume, "iteration");
      this.evaluations = scalarOf(resume, "evaluations");
      this.memory.restore(resume);
      return;
    }
    this.value = objective(this.x, this.gradient);
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

  get result(): LbfgsResult {
    return {
      x: this.x,
      value: this.value,
      gradientMaxAbs: maxAbs(this.gradient),
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
    const { memory, direction, gradient } = this;
    const n = direction.length;
    memory.applyInverseHessian(gradient, direction);
    for (let j = 0; j < n; j++) direction[j] = -(direction[j] as number);
    let slope = dotAll(gradient, direction);
    if (!(slope < 0)) {
      // Lost descent (numerical trouble): restart from steepest descent.
      memory.clear();
      for (let j = 0; j < n; j++) direction[j] = -(gradient[j] as number);
      slope = dotAll(gradient, direction);
    }
    const initialStep = memory.size === 0 ? 1 / Math.sqrt(-slope) : 1;
    const search = strongWolfeLineSearch(
      this.objective,
      {
        x: this.x,
        value: this.value,
        slope,
        direction,
        initialStep,
        maxEvaluations: this.opts.maxLineSearchEvaluations,
      },
      this.xNext,
      this.gradientNext,
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
      arrays: { x: this.x, gradient: this.gradient, ...this.memory.arrays() },
    };
  }

  private gradientSmallEnough(): boolean {
    return (
      maxAbs(this.gradient) <=
      Math.max(
        this.opts.gradientTolerance,
        this.opts.relativeGradientTolerance * Math.abs(this.value),
      )
    );
  }
}

/**
 * Circular buffer of the last m correction pairs (s, y) with rho = 1 / s.y. The pairs and the
 * two-loop recursion's work vector live in a VectorBlock of the installed kernel (slots 0..m-1: s,
 * m..2m-1: y, 2m: work), so the recursion's 4mn multiply-adds run where the kernel computes.
 */
class CorrectionMemory {
  private readonly block: VectorBlock;
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private readonly work: number;
  private newest = -1;
  size = 0;

  constructor(
    private readonly capacity: number,
    private readonly dimension: number,
  ) {
    this.block = gemmKernel().vectors(2 * capacity + 1, dimension);
    this.rho = new Float64Array(capacity);
    this.alpha = new Float64Array(capacity);
    this.work = 2 * capacity;
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
      s.set(this.view(slot), slot * n);
      y.set(this.view(this.capacity + slot), slot * n);
    }
    return { memoryS: s, memoryY: y, memoryRho: Float64Array.from(this.rho) };
  }

  restore(checkpoint: FitCheckpoint): void {
    const n = this.dimension;
    const s = arrayOf(checkpoint, "memoryS", this.capacity * n);
    const y = arrayOf(checkpoint, "memoryY", this.capacity * n);
    for (let slot = 0; slot < this.capacity; slot++) {
      this.view(slot).set(s.subarray(slot * n, (slot + 1) * n));
      this.view(this.capacity + slot).set(y.subarray(slot * n, (slot + 1) * n));
    }
    this.rho.set(arrayOf(checkpoint, "memoryRho", this.capacity));
    this.size = scalarOf(checkpoint, "memorySize");
    this.newest = scalarOf(checkpoint, "memoryNewest");
  }

  /** Stores the pair unless s.y is not safely positive, which would break positive definiteness. */
  push(x: Float64Array, xNext: Float64Array, g: Float64Array, gNext: Float64Array): void {
    const { block, capacity } = this;
    const slot = (this.newest + 1) % capacity;
    const s = this.view(slot);
    const y = this.view(capacity + slot);
    for (let j = 0; j < s.length; j++) {
      s[j] = (xNext[j] as number) - (x[j] as number);
      y[j] = (gNext[j] as number) - (g[j] as number);
    }
    const sy = block.dot(slot, capacity + slot);
    if (!(sy > Number.EPSILON * block.dot(capacity + slot, capacity + slot))) {
      // The slot held the oldest pair when full; it is overwritten, so drop it from the history.
      if (this.size === this.capacity) this.size--;
      return;
    }
    this.rho[slot] = 1 / sy;
    this.newest = slot;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** out = H g by the two-loop recursion. */
  applyInverseHessian(g: Float64Array, out: Float64Array): void {
    if (this.size === 0) {
      out.set(g);
      return;
    }
    const { block, capacity, work } = this;
    block.views[work]?.set(g);
    const slotAt = (age: number) => (this.newest - age + capacity) % capacity;
    for (let age = 0; age < this.size; age++) {
      const slot = slotAt(age);
      const a = (this.rho[slot] as number) * block.dot(slot, work);
      this.alpha[slot] = a;
      block.axpy(-a, capacity + slot, work);
    }
    const newestY = capacity + this.newest;
    block.scale(1 / ((this.rho[this.newest] as number) * block.dot(newestY, newestY)), work);
    for (let age = this.size - 1; age >= 0; age--) {
      const slot = slotAt(age);
      const b = (this.rho[slot] as number) * block.dot(capacity + slot, work);
      block.axpy((this.alpha[slot] as number) - b, slot, work);
    }
    out.set(this.view(work));
  }

  private view(index: number): Float64Array {
    return this.block.views[index] as Float64Array;
  }
}
