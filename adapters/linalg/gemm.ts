import { JS_GEMM } from "./js-gemm";
import type { FloatArray } from "./vector";

/**
 * The two matrix products behind every fit (logistic loss and gradient, MLP layers, LogME,
 * prototypes), behind a kernel the host may replace: adapters/ stays pure, and the host installs a
 * faster one (src/runtime/gemm: WebAssembly SIMD) once per isolate. All row-major Float64Arrays.
 * A kernel must be deterministic (same inputs, same bits), so resumed fits match uninterrupted ones.
 */
export interface GemmKernel {
  readonly name: string;
  /** out (n x m) = A (n x d) B^T, with B stored as m x d (float32 B: weights kept as such). */
  multiplyByTransposed(
    a: Float64Array,
    b: FloatArray,
    n: number,
    m: number,
    d: number,
    out: Float64Array,
  ): void;
  /** out (m x d) += R^T A, with R n x m and A n x d (float32 out: a gradient kept as such). */
  addTransposedProduct(
    r: Float64Array,
    a: Float64Array,
    n: number,
    m: number,
    d: number,
    out: FloatArray,
  ): void;
  /**
   * A (n x d) as the left operand of many products, e.g. a training set over an optimisation: the
   * kernel may keep its own copy where it computes, so `a` must not change while this is in use.
   */
  fixedLeft(a: Float64Array, n: number, d: number): FixedLeftMatrix;
  /**
   * `count` vectors of length n where the kernel computes, for a solver's vector work over its
   * lifetime (L-BFGS's correction pairs): its views stay valid and start at zero.
   */
  vectors(count: number, n: number): VectorBlock;
  /**
   * Lets go of the memory the kernel grew for past products (a WebAssembly memory never shrinks),
   * e.g. a training set's copy once a fit is over; the next product allocates again.
   */
  releaseMemory(): void;
  /** Bytes the kernel holds where it computes now (a wasm memory's size), for memory measurements. */
  memoryBytes(): number;
}

/** Vectors held by a kernel, named by their index in `views`; the operations run in the kernel. */
export interface VectorBlock {
  readonly views: readonly Float64Array[];
  /** views[a] . views[b] */
  dot(a: number, b: number): number;
  /** views[y] += alpha * views[x] */
  axpy(alpha: number, x: number, y: number): void;
  /** views[x] *= alpha */
  scale(alpha: number, x: number): void;
}

export interface FixedLeftMatrix {
  /** out (n x m) = A B^T. */
  multiplyByTransposed(b: FloatArray, m: number, out: Float64Array): void;
  /** out (m x d) += R^T A. */
  addTransposedProduct(r: Float64Array, m: number, out: FloatArray): void;
}

let active: GemmKernel = JS_GEMM;

/** Installs the isolate's kernel (the host does, at start-up); the plain JS one until then. */
export function useGemmKernel(kernel: GemmKernel): void {
  active = kernel;
}

export function gemmKernel(): GemmKernel {
  return active;
}

export function multiplyByTransposed(
  a: Float64Array,
  b: FloatArray,
  n: number,
  m: number,
  d: number,
  out: Float64Array,
): void {
  active.multiplyByTransposed(a, b, n, m, d, out);
}

export function addTransposedProduct(
  r: Float64Array,
  a: Float64Array,
  n: number,
  m: number,
  d: number,
  out: FloatArray,
): void {
  active.addTransposedProduct(r, a, n, m, d, out);
}

export function fixedLeft(a: Float64Array, n: number, d: number): FixedLeftMatrix {
  return active.fixedLeft(a, n, d);
}

export function releaseKernelMemory(): void {
  active.releaseMemory();
}
