import { gemmKernel } from "../linalg/gemm";
import { maxAbs } from "../linalg/vector";
import type { Objective } from "./objective";

/**
 * The vectors a quasi-Newton search works with (iterate, gradient, direction, correction pairs),
 * named by index, and the objective on them. A space may store a vector in another form than its
 * coordinates (e.g. as coefficients over the training samples), so the search only combines them
 * through these operations, and asks for coordinates only where the answer needs them.
 */
export interface SearchSpace {
  /** Length of a vector's stored form (what checkpoints hold). */
  readonly storedLength: number;
  /** v_a . v_b */
  dot(a: number, b: number): number;
  /** v_y += alpha v_x */
  axpy(alpha: number, x: number, y: number): void;
  /** v_x *= alpha */
  scale(alpha: number, x: number): void;
  copy(from: number, to: number): void;
  /** Writes the search's starting point into v. */
  writeStart(v: number): void;
  /** f(v_x), with its gradient written into v_gradient. */
  evaluate(x: number, gradient: number): number;
  /** Whether max_j |(v)_j| <= bound, in coordinates (the stopping test). */
  maxAbsAtMost(v: number, bound: number): boolean;
  /** v in coordinates (a copy). */
  coordinates(v: number): Float64Array;
  /** v's stored form (a copy), and back. */
  stored(v: number): Float64Array;
  restore(v: number, values: Float64Array): void;
}

/** Builds a space holding `vectorCount` vectors. */
export type SpaceFactory = (vectorCount: number) => SearchSpace;

/**
 * The plain space: vectors are their coordinates, in a VectorBlock of the installed kernel (where
 * dot / axpy / scale run without copies), and the objective sees them directly.
 */
export function coordinateSpace(objective: Objective, x0: Float64Array): SpaceFactory {
  return (vectorCount) => {
    const block = gemmKernel().vectors(vectorCount, x0.length);
    const view = (v: number) => block.views[v] as Float64Array;
    return {
      storedLength: x0.length,
      dot: (a, b) => block.dot(a, b),
      axpy: (alpha, x, y) => block.axpy(alpha, x, y),
      scale: (alpha, x) => block.scale(alpha, x),
      copy: (from, to) => view(to).set(view(from)),
      writeStart: (v) => view(v).set(x0),
      evaluate: (x, gradient) => objective(view(x), view(gradient)),
      maxAbsAtMost: (v, bound) => maxAbs(view(v)) <= bound,
      coordinates: (v) => Float64Array.from(view(v)),
      stored: (v) => Float64Array.from(view(v)),
      restore: (v, values) => view(v).set(values),
    };
  };
}
