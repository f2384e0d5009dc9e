import { axpy, dotAll, maxAbs } from "../linalg/vector";
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
  const opts = { ...DEFAULTS, ...options };
  const n = x0.length;
  const memory = new CorrectionMemory(opts.memory, n);
  let x = Float64Array.from(x0);
  let gradient = new Float64Array(n);
  let xNext = new Float64Array(n);
  let gradientNext = new Float64Array(n);
  const direction = new Float64Array(n);

  let value = objective(x, gradient);
  let evaluations = 1;
  const gradientSmallEnough = () =>
    maxAbs(gradient) <=
    Math.max(opts.gradientTolerance, opts.relativeGradientTolerance * Math.abs(value));
  const result = (iterations: number, converged: boolean, stopReason: LbfgsStopReason) => ({
    x,
    value,
    gradientMaxAbs: maxAbs(gradient),
    iterations,
    evaluations,
    converged,
    stopReason,
  });
  if (gradientSmallEnough()) return result(0, true, "gradient");

  for (let iteration = 1; iteration <= opts.maxIterations; iteration++) {
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
      objective,
      { x, value, slope, direction, initialStep, maxEvaluations: opts.maxLineSearchEvaluations },
      xNext,
      gradientNext,
    );
    evaluations += search.evaluations;
    if (!search.found) {
      if (memory.size === 0) return result(iteration, false, "line-search");
      memory.clear();
      continue;
    }
    memory.push(x, xNext, gradient, gradientNext);
    const previousValue = value;
    [x, xNext] = [xNext, x];
    [gradient, gradientNext] = [gradientNext, gradient];
    value = search.value;
    if (gradientSmallEnough()) return result(iteration, true, "gradient");
    const relativeDecrease =
      (previousValue - value) / Math.max(Math.abs(previousValue), Math.abs(value), 1);
    if (relativeDecrease <= opts.functionTolerance) return result(iteration, true, "function");
  }
  return result(opts.maxIterations, false, "max-iterations");
}

/** Circular buffer of the last m correction pairs (s, y) with rho = 1 / s.y. */
class CorrectionMemory {
  private readonly s: Float64Array[];
  private readonly y: Float64Array[];
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private newest = -1;
  size = 0;

  constructor(
    private readonly capacity: number,
    dimension: number,
  ) {
    this.s = Array.from({ length: capacity }, () => new Float64Array(dimension));
    this.y = Array.from({ length: capacity }, () => new Float64Array(dimension));
    this.rho = new Float64Array(capacity);
    this.alpha = new Float64Array(capacity);
  }

  clear(): void {
    this.size = 0;
    this.newest = -1;
  }

  /** Stores the pair unless s.y is not safely positive, which would break positive definiteness. */
  push(x: Float64Array, xNext: Float64Array, g: Float64Array, gNext: Float64Array): void {
    const slot = (this.newest + 1) % this.capacity;
    const s = this.s[slot] as Float64Array;
    const y = this.y[slot] as Float64Array;
    for (let j = 0; j < s.length; j++) {
      s[j] = (xNext[j] as number) - (x[j] as number);
      y[j] = (gNext[j] as number) - (g[j] as number);
    }
    const sy = dotAll(s, y);
    if (!(sy > Number.EPSILON * dotAll(y, y))) {
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
    out.set(g);
    if (this.size === 0) return;
    const n = g.length;
    const slotAt = (age: number) => (this.newest - age + this.capacity) % this.capacity;
    for (let age = 0; age < this.size; age++) {
      const slot = slotAt(age);
      const a = (this.rho[slot] as number) * dotAll(this.s[slot] as Float64Array, out);
      this.alpha[slot] = a;
      axpy(-a, this.y[slot] as Float64Array, 0, out, 0, n);
    }
    const newestY = this.y[this.newest] as Float64Array;
    const gamma = 1 / ((this.rho[this.newest] as number) * dotAll(newestY, newestY));
    for (let j = 0; j < n; j++) out[j] = gamma * (out[j] as number);
    for (let age = this.size - 1; age >= 0; age--) {
      const slot = slotAt(age);
      const b = (this.rho[slot] as number) * dotAll(this.y[slot] as Float64Array, out);
      axpy((this.alpha[slot] as number) - b, this.s[slot] as Float64Array, 0, out, 0, n);
    }
  }
}
