import type { SearchSpace } from "./search-space";

/** Sufficient decrease (Armijo) and curvature constants; 0.9 is the usual choice for quasi-Newton. */
const ARMIJO = 1e-4;
const CURVATURE = 0.9;

export interface LineSearchStart {
  /** f(x). */
  value: number;
  /** Directional derivative g(x) . direction, negative for a descent direction. */
  slope: number;
  initialStep: number;
  maxEvaluations: number;
}

/** The search's vectors, as indices into its space (which also evaluates the objective). */
export interface LineSearchVectors {
  space: SearchSpace;
  x: number;
  direction: number;
  /** On success, the accepted point and its gradient. */
  xOut: number;
  gradientOut: number;
}

export interface LineSearchResult {
  found: boolean;
  step: number;
  value: number;
  evaluations: number;
}

interface Point {
  step: number;
  value: number;
  slope: number;
}

/**
 * Line search for a step a along d satisfying the strong Wolfe conditions
 *   f(x + a d) <= f(x) + c1 a g.d   and   |g(x + a d).d| <= c2 |g.d|
 * (Nocedal & Wright, Algorithms 3.5 and 3.6: bracket by doubling, then zoom by safeguarded cubic
 * interpolation). On success `xOut` and `gradientOut` hold the accepted point and its gradient.
 */
export function strongWolfeLineSearch(
  start: LineSearchStart,
  vectors: LineSearchVectors,
): LineSearchResult {
  const { value: f0, slope: slope0 } = start;
  const { space, x, direction, xOut, gradientOut } = vectors;
  let evaluations = 0;
  const evaluate = (step: number): Point => {
    space.copy(x, xOut);
    space.axpy(step, direction, xOut);
    const value = space.evaluate(xOut, gradientOut);
    evaluations++;
    return { step, value, slope: space.dot(gradientOut, direction) };
  };
  const armijoHolds = (p: Point) => p.value <= f0 + ARMIJO * p.step * slope0;
  const curvatureHolds = (p: Point) => Math.abs(p.slope) <= -CURVATURE * slope0;
  const accept = (p: Point): LineSearchResult => ({
    found: true,
    step: p.step,
    value: p.value,
    evaluations,
  });

  const zoom = (lowInit: Point, highInit: Point): LineSearchResult => {
    let low = lowInit;
    let high = highInit;
    while (evaluations < start.maxEvaluations) {
      const p = evaluate(cubicMinimizerInside(low, high));
      if (!armijoHolds(p) || p.value >= low.value) {
        high = p;
      } else {
        if (curvatureHolds(p)) return accept(p);
        if (p.slope * (high.step - low.step) >= 0) high = low;
        low = p;
      }
    }
    // Out of evaluations: the low end still decreases f enough, which keeps the iteration monotone.
    if (low.step > 0) return accept(evaluate(low.step));
    return { found: false, step: 0, value: f0, evaluations };
  };

  let previous: Point = { step: 0, value: f0, slope: slope0 };
  let step = start.initialStep;
  while (evaluations < start.maxEvaluations) {
    const p = evaluate(step);
    if (
      !Number.isFinite(p.value) ||
      !armijoHolds(p) ||
      (evaluations > 1 && p.value >= previous.value)
    ) {
      return zoom(previous, p);
    }
    if (curvatureHolds(p)) return accept(p);
    if (p.slope >= 0) return zoom(p, previous);
    previous = p;
    step *= 2;
  }
  return previous.step > 0
    ? accept(evaluate(previous.step))
    : { found: false, step: 0, value: f0, evaluations };
}

/**
 * Minimiser of the cubic through (a, f_a, f'_a) and (b, f_b, f'_b), kept at least 10% of the interval
 * away from both ends so the bracket always shrinks; bisection when the cubic has no minimiser or a
 * value is not finite.
 */
function cubicMinimizerInside(a: Point, b: Point): number {
  const lo = Math.min(a.step, b.step);
  const hi = Math.max(a.step, b.step);
  const margin = 0.1 * (hi - lo);
  const d1 = a.slope + b.slope - (3 * (a.value - b.value)) / (a.step - b.step);
  const discriminant = d1 * d1 - a.slope * b.slope;
  let step = Number.NaN;
  if (discriminant >= 0 && Number.isFinite(a.value) && Number.isFinite(b.value)) {
    const d2 = Math.sign(b.step - a.step) * Math.sqrt(discriminant);
    step = b.step - ((b.step - a.step) * (b.slope + d2 - d1)) / (b.slope - a.slope + 2 * d2);
  }
  if (!Number.isFinite(step)) return 0.5 * (lo + hi);
  return Math.min(Math.max(step, lo + margin), hi - margin);
}
