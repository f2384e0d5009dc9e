/**
 * The WebAssembly SIMD kernel (gemm.wasm, see gemm-wat.ts) behind adapters' GemmKernel. Each
 * product copies its operands into the instance's memory, padded as the kernel expects (A's rows to
 * a multiple of 4, rows to an even length, with zeros), runs, and copies the result out. A small
 * fixed left operand stays in that memory between its products; a large one (a training set: a copy
 * of 8 bytes per value that a 128 MB isolate cannot afford next to the fit's own) passes through in
 * blocks of rows (of ~4 MiB). The other operand (B, or the rows of `out` that R^T A adds to) passes
 * through in blocks of rows (of ~1 MiB): a WebAssembly memory never shrinks, so a product with a
 * large weight matrix (a finetune top's 1792 x 448) must not grow it by that matrix's whole size.
 * Blocks change no sum's order: results are the same bits.
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

/**
 * A, the left operand, as the products read it: at 0 in the workspace, placed there one block of
 * `blockRows` rows (a multiple of 4) at a time. A small A is one block that stays in place (a fixed
 * one between its products); a large one (a training set) passes through in blocks, so the memory
 * never holds a whole copy of it.
 */
interface LeftOperand {
  n: number;
  d: number;
  blockRows: number;
  /** Puts rows [first, first + count) of A at 0 (padded); nothing when A is already there. */
  place(first: number, count: number): void;
}

/** About 4 MiB of doubles: a left operand up to this stays in the memory, a larger one streams. */
const LEFT_BLOCK_DOUBLES = 1 << 19;

/** Rows of a streamed A per block: a multiple of 4, so blocks change no sum's order. */
function leftBlockRows(d: number): number {
  return Math.max(4, Math.floor(LEFT_BLOCK_DOUBLES / paddedLength(d) / 4) * 4);
}

/** out = A B^T, A's blocks in turn, B in blocks of rows. */
function multiply(
  space: Workspace,
  left: LeftOperand,
  b: FloatArray,
  m: number,
  out: Float64Array,
) {
  const { n, d, blockRows } = left;
  for (let first = 0; first < n; first += blockRows) {
    const count = Math.min(blockRows, n - first);
    left.place(first, count);
    multiplyPlaced(space, count, d, b, m, out.subarray(first * m));
  }
}

/** out = A B^T with A already at 0 in the workspace (n x d, padded), B in blocks of rows. */
function multiplyPlaced(
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

/**
 * out += R^T A, R's columns (out's rows) in blocks; each block of out stays in the memory while
 * every block of A adds to it, in A's row order, so it is read back (and rounded to float32 when
 * out is) once, as when A is one block.
 */
function add(space: Workspace, left: LeftOperand, r: Float64Array, m: number, out: FloatArray) {
  const { n, d } = left;
  if (d === 0 || m === 0) return;
  const aRows = Math.min(left.blockRows, paddedRows(n));
  const rows = blockRows(aRows, m, d);
  const rAt = paddedRows(aRows) * paddedLength(d);
  const outAt = rAt + paddedRows(aRows) * rows;
  // Reserved whole first: placing A's blocks then never grows the memory under this view.
  const view = space.reserve(outAt + paddedRows(rows) * paddedLength(d));
  for (let first = 0; first < m; first += rows) {
    const count = Math.min(rows, m - first);
    const rowsOut = out.subarray(first * d, (first + count) * d);
    writePadded(view, outAt, rowsOut, count, d);
    for (let start = 0; start < n; start += aRows) {
      const countA = Math.min(aRows, n - start);
      left.place(start, countA);
      if (count === m) view.set(r.subarray(start * m, (start + countA) * m), rAt);
      else {
        for (let i = 0; i < countA; i++) {
          const at = (start + i) * m + first;
          view.set(r.subarray(at, at + count), rAt + i * count);
        }
      }
      view.fill(0, rAt + countA * count, rAt + paddedRows(countA) * count);
      space.kernel.atr(rAt * 8, 0, paddedRows(countA), count, paddedLength(d), outAt * 8);
    }
    readPadded(view, outAt, rowsOut, count, d);
  }
}

export function wasmGemmKernel(module: WebAssembly.Module): GemmKernel {
  // One instance for every product, so an isolate holds at most one copy of a small left operand,
  // and a block of a large one (Workers have 128 MB): the small operand in its memory belongs to
  // the last fixed matrix that loaded it (or to no one after a one-off product or a streamed
  // block); a fixed matrix that lost it copies itself in again.
  let space: Workspace | undefined;
  let owner: object | null = null;
  const left = (a: Float64Array, n: number, d: number, claimant: object | null) => {
    space ??= new Workspace(module);
    const workspace = space;
    const streamed = paddedRows(n) * paddedLength(d) > LEFT_BLOCK_DOUBLES;
    const operand: LeftOperand = {
      n,
      d,
      blockRows: streamed ? leftBlockRows(d) : n,
      place(first, count) {
        if (!streamed && owner !== null && owner === claimant) return;
        writePadded(
          workspace.reserve(paddedRows(count) * paddedLength(d)),
          0,
          a.subarray(first * d),
          count,
          d,
        );
        owner = streamed ? null : claimant;
      },
    };
    return { space: workspace, operand };
  };
  return {
    name: "wasm-simd",
    multiplyByTransposed(a, b, n, m, d, out) {
      const { space, operand } = left(a, n, d, null);
      multiply(space, operand, b, m, out);
    },
    addTransposedProduct(r, a, n, m, d, out) {
      const { space, operand } = left(a, n, d, null);
      add(space, operand, r, m, out);
    },
    fixedLeft(a, n, d): FixedLeftMatrix {
      const token = {};
      const operandOf = () => left(a, n, d, token);
      return {
        multiplyByTransposed(b, m, out) {
          const { space, operand } = operandOf();
          multiply(space, operand, b, m, out);
        },
        addTransposedProduct(r, m, out) {
          const { space, operand } = operandOf();
          add(space, operand, r, m, out);
        },
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
