import type { VectorBlock } from "./gemm";
import { axpy, dotAll } from "./vector";

/** The plain JS VectorBlock: typed arrays and the unrolled loops of ./vector. */
export function jsVectors(count: number, n: number): VectorBlock {
  const views = Array.from({ length: count }, () => new Float64Array(n));
  const at = (i: number) => views[i] as Float64Array;
  return {
    views,
    dot: (a, b) => dotAll(at(a), at(b)),
    axpy: (alpha, x, y) => axpy(alpha, at(x), 0, at(y), 0, n),
    scale(alpha, x) {
      const v = at(x);
      for (let j = 0; j < n; j++) v[j] = alpha * (v[j] as number);
    },
  };
}
