/**
 * The WebAssembly SIMD kernel (gemm.wasm, see gemm-wat.ts) behind adapters' GemmKernel. Each
 * product copies its operands into the instance's memory, padded as the kernel expects (A's rows to
 * a multiple of 4, rows to an even length, with zeros), runs, and copies the result out. A fixed
 * left operand (a training set) stays in that memory between its products. The other operand (B,
 * or the rows of `out` that R^T A adds to) passes through in blocks of rows: a WebAssembly memory
 * never shrinks, so a product with a large weight matrix (a finetune top's 1792 x 448) must not
 * grow it by that matrix's whole size. Blocks change no sum's order: results are the same bits.
 */

import type { FixedLeftMatrix, FloatArray, GemmKernel } from "../../../adapters";
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
/** About 1 MiB of doubles for a block of the other operand, or of the product it gives. */
const BLOCK_DOUBLES = 131072;
/** Enough rows per block that A, walked once per block, is not walked too often. */
const MIN_BLOCK_ROWS = 64;

/** Rows of the other operand (m of them) per block, for A n x d. */
function blockRows(n: number, m: number, d: number): number {
  const fit = Math.floor(BLOCK_DOUBLES / Math.max(paddedLength(d), paddedRows(n)));
  return Math.max(1, Math.min(m, Math.max(MIN_BLOCK_ROWS, fit)));
}

/** One instance with its memory, viewed as doubles; offsets below are in doubles. */
class Workspace {
  private readonly exports: GemmExports;
  private view: Float64Array;

  constructor(module: WebAssembly.Module) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as GemmExports;
    this.view = new Float64Array(this.exports.memory.buffer);
  }

  get bytes(): number {
    return this.exports.memory.buffer.byteLength;
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
function writePadded(view: Float64Array, at: number, source: FloatArray, n: number, d: number) {
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
function readPadded(view: Float64Array, at: number, target: FloatArray, rows: number, d: number) {
  const stride = paddedLength(d);
  if (stride === d) {
    target.set(view.subarray(at, at + rows * d));
    return;
  }
  for (let k = 0; k < rows; k++)
    target.set(view.subarray(at + k * stride, at + k * stride + d), k * d);
}

/** out = A B^T with A already at 0 in the workspace (n x d, padded), B in blocks of rows. */
function multiplyResident(
  space: Workspace,
  n: number,
  d: number,
  b: FloatArray,
  m: number,
  out: Float64Array,
): void {
  if (d === 0) {
    out.fill(0, 0, n * m);
    return;
  }
  const rows = blockRows(n, m, d);
  const bAt = paddedRows(n) * paddedLength(d);
  const outAt = bAt + paddedRows(rows) * paddedLength(d);
  const view = space.reserve(outAt + paddedRows(n) * rows);
  for (let first = 0; first < m; first += rows) {
    const count = Math.min(rows, m - first);
    writePadded(view, bAt, b.subarray(first * d), count, d);
    space.kernel.abt(0, bAt * 8, paddedRows(n), count, paddedLength(d), outAt * 8);
    if (count === m) {
      out.set(view.subarray(outAt, outAt + n * m));
      continue;
    }
    for (let i = 0; i < n; i++) {
      out.set(view.subarray(outAt + i * count, outAt + (i + 1) * count), i * m + first);
    }
  }
}

/** out += R^T A with A already at 0 in the workspace, R's columns (out's rows) in blocks. */
function addResident(
  space: Workspace,
  n: number,
  d: number,
  r: Float64Array,
  m: number,
  out: FloatArray,
): void {
  if (d === 0 || m === 0) return;
  const rows = blockRows(n, m, d);
  const rAt = paddedRows(n) * paddedLength(d);
  const outAt = rAt + paddedRows(n) * rows;
  const view = space.reserve(outAt + paddedRows(rows) * paddedLength(d));
  for (let first = 0; first < m; first += rows) {
    const count = Math.min(rows, m - first);
    if (count === m) view.set(r.subarray(0, n * m), rAt);
    else {
      for (let i = 0; i < n; i++) {
        view.set(r.subarray(i * m + first, i * m + first + count), rAt + i * count);
      }
    }
    view.fill(0, rAt + n * count, outAt);
    const rowsOut = out.subarray(first * d, (first + count) * d);
    writePadded(view, outAt, rowsOut, count, d);
    space.kernel.atr(rAt * 8, 0, paddedRows(n), count, paddedLength(d), outAt * 8);
    readPadded(view, outAt, rowsOut, count, d);
  }
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
    releaseMemory() {
      space = undefined;
      owner = null;
    },
    memoryBytes: () => space?.bytes ?? 0,
  };
}
