/**
 * The WebAssembly SIMD kernel (gemm.wasm, see gemm-wat.ts) behind adapters' GemmKernel. Each
 * product copies its operands into the instance's memory, padded as the kernel expects (A's rows to
 * a multiple of 4, rows to an even length, with zeros), runs, and copies the result out. A fixed
 * left operand (a training set) stays in that memory between its products.
 */

import type { FixedLeftMatrix, GemmKernel } from "../../../adapters";
import { wasmVectors } from "./wasm-vectors";

interface GemmExports {
  memory: WebAssembly.Memory;
  /** out (n x m) = A B^T; pointers in bytes. */
  abt(a: number, b: number, n: number, m: number, d: number, out: number): void;
  /** out (m x d) += R^T A. */
  atr(r: number, a: number, n: number, m: number, d: number, out: number): void;
}

const PAGE_BYTES = 65536;
const paddedRows = (n: number) => Math.ceil(n / 4) * 4;
const paddedLength = (d: number) => d + (d % 2);

/** One instance with its memory, viewed as doubles; offsets below are in doubles. */
class Workspace {
  private readonly exports: GemmExports;
  private view: Float64Array;

  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as GemmExports;
    this.view = new Float64Array(this.exports.memory.buffer);
  }

  get kernel(): GemmExports {
    return this.exports;
  }

  /** The memory as doubles, grown to hold at least `doubles` of them. */
  reserve(doubles: number): Float64Array {
    const { memory } = this.exports;
    const missing = doubles * 8 - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / PAGE_BYTES));
    if (this.view.buffer !== memory.buffer) this.view = new Float64Array(memory.buffer);
    return this.view;
  }
}

/** Writes an n x d matrix at `at` as paddedRows(n) x paddedLength(d), zeros in the padding. */
function writePadded(view: Float64Array, at: number, source: Float64Array, n: number, d: number) {
  const stride = paddedLength(d);
  const end = at + paddedRows(n) * stride;
  if (stride === d) {
    view.set(source.subarray(0, n * d), at);
    view.fill(0, at + n * d, end);
    return;
  }
  view.fill(0, at, end);
  for (let i = 0; i < n; i++) view.set(source.subarray(i * d, (i + 1) * d), at + i * stride);
}

/** Copies rows x d out of a padded-length region back into a dense matrix. */
function readPadded(view: Float64Array, at: number, target: Float64Array, rows: number, d: number) {
  const stride = paddedLength(d);
  if (stride === d) {
    target.set(view.subarray(at, at + rows * d));
    return;
  }
  for (let k = 0; k < rows; k++)
    target.set(view.subarray(at + k * stride, at + k * stride + d), k * d);
}

/** out = A B^T with A already at 0 in the workspace (n x d, padded). */
function multiplyResident(
  space: Workspace,
  n: number,
  d: number,
  b: Float64Array,
  m: number,
  out: Float64Array,
): void {
  if (d === 0) {
    out.fill(0, 0, n * m);
    return;
  }
  const aDoubles = paddedRows(n) * paddedLength(d);
  const bAt = aDoubles;
  const outAt = bAt + m * paddedLength(d);
  const view = space.reserve(outAt + paddedRows(n) * m);
  writePadded(view, bAt, b, m, d);
  space.kernel.abt(0, bAt * 8, paddedRows(n), m, paddedLength(d), outAt * 8);
  out.set(space.reserve(0).subarray(outAt, outAt + n * m));
}

/** out += R^T A with A already at 0 in the workspace. */
function addResident(
  space: Workspace,
  n: number,
  d: number,
  r: Float64Array,
  m: number,
  out: Float64Array,
): void {
  if (d === 0 || m === 0) return;
  const rAt = paddedRows(n) * paddedLength(d);
  const outAt = rAt + paddedRows(n) * m;
  const view = space.reserve(outAt + m * paddedLength(d));
  view.set(r.subarray(0, n * m), rAt);
  view.fill(0, rAt + n * m, outAt);
  writePadded(view, outAt, out, m, d);
  space.kernel.atr(rAt * 8, 0, paddedRows(n), m, paddedLength(d), outAt * 8);
  readPadded(space.reserve(0), outAt, out, m, d);
}

export function wasmGemmKernel(module: WebAssembly.Module): GemmKernel {
  // One instance for every product, so an isolate holds at most one copy of a training set (Workers
  // have 128 MB): the left operand in its memory belongs to the last fixed matrix that loaded it
  // (or to no one after a one-off product); a fixed matrix that lost it copies itself in again.
  let space: Workspace | undefined;
  let owner: object | null = null;
  const load = (a: Float64Array, n: number, d: number, claimant: object | null): Workspace => {
    space ??= new Workspace(module);
    if (owner === null || owner !== claimant) {
      writePadded(space.reserve(paddedRows(n) * paddedLength(d)), 0, a, n, d);
      owner = claimant;
    }
    return space;
  };
  return {
    name: "wasm-simd",
    multiplyByTransposed: (a, b, n, m, d, out) =>
      multiplyResident(load(a, n, d, null), n, d, b, m, out),
    addTransposedProduct: (r, a, n, m, d, out) => addResident(load(a, n, d, null), n, d, r, m, out),
    fixedLeft(a, n, d): FixedLeftMatrix {
      const token = {};
      load(a, n, d, token);
      return {
        multiplyByTransposed: (b, m, out) =>
          multiplyResident(load(a, n, d, token), n, d, b, m, out),
        addTransposedProduct: (r, m, out) => addResident(load(a, n, d, token), n, d, r, m, out),
      };
    },
    vectors: (count, n) => wasmVectors(module, count, n),
  };
}
