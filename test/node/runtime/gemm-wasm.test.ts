import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import type { GemmKernel } from "../../../adapters";
import { JS_GEMM } from "../../../adapters/linalg/js-gemm";
import { assembleGemmWasm } from "../../../src/runtime/gemm/assemble";
import { nodeGemmKernel } from "../../../src/runtime/gemm/node-gemm";

const wasm = await nodeGemmKernel();

function random(length: number, seed: number): Float64Array {
  let state = seed;
  return Float64Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 30 - 1;
  });
}

/** Both products through each of the kernel's entry points, plus A's shape for the fixed one. */
function products(kernel: GemmKernel, n: number, m: number, d: number) {
  const a = random(n * d, 1);
  const b = random(m * d, 2);
  const r = random(n * m, 3);
  const start = random(m * d, 4);
  const product = new Float64Array(n * m);
  const accumulated = Float64Array.from(start);
  kernel.multiplyByTransposed(a, b, n, m, d, product);
  kernel.addTransposedProduct(r, a, n, m, d, accumulated);
  const fixed = kernel.fixedLeft(a, n, d);
  const fixedProduct = new Float64Array(n * m);
  const fixedAccumulated = Float64Array.from(start);
  fixed.multiplyByTransposed(b, m, fixedProduct);
  fixed.addTransposedProduct(r, m, fixedAccumulated);
  return { product, accumulated, fixedProduct, fixedAccumulated };
}

function expectClose(actual: Float64Array, expected: Float64Array, scale: number) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((value, i) => {
    expect(Math.abs(value - (expected[i] as number))).toBeLessThanOrEqual(1e-13 * scale);
  });
}

// Odd and even sizes on every axis: the kernel pads rows to 4 and lengths to 2, pairs the other rows.
const SHAPES = [
  [1, 1, 1],
  [4, 2, 2],
  [5, 3, 7],
  [13, 1, 513],
  [8, 10, 64],
  [7, 5, 0],
  [0, 3, 5],
  [6, 0, 4],
  // The other operand in several blocks of rows (about 1 MiB each), the last one odd.
  [5, 261, 513],
] as const;

describe("WebAssembly SIMD matrix kernel", () => {
  it("is the assembly of its source (run `npm run gemm-wasm` after changing gemm-wat.ts)", async () => {
    const committed = await readFile(
      new URL("../../../src/runtime/gemm/gemm.wasm", import.meta.url),
    );
    expect(Buffer.from(await assembleGemmWasm()).equals(committed)).toBe(true);
  });

  it.each(SHAPES)("agrees with the JS kernel for n=%i, m=%i, d=%i", (n, m, d) => {
    const expected = products(JS_GEMM, n, m, d);
    const actual = products(wasm, n, m, d);
    const scale = Math.max(d, 1) * Math.max(n, 1);
    expectClose(actual.product, expected.product, scale);
    expectClose(actual.fixedProduct, expected.product, scale);
    expectClose(actual.accumulated, expected.accumulated, scale);
    expectClose(actual.fixedAccumulated, expected.accumulated, scale);
  });

  it("keeps each fixed left operand right when several take turns in its one memory", () => {
    const first = products(JS_GEMM, 6, 3, 9);
    const second = products(JS_GEMM, 5, 2, 11);
    const [a1, b1, a2, b2] = [random(54, 1), random(27, 2), random(55, 1), random(22, 2)];
    const fixed1 = wasm.fixedLeft(a1, 6, 9);
    const fixed2 = wasm.fixedLeft(a2, 5, 11);
    const out1 = new Float64Array(18);
    const out2 = new Float64Array(10);
    fixed1.multiplyByTransposed(b1, 3, out1);
    wasm.multiplyByTransposed(a2, b2, 5, 2, 11, out2);
    fixed2.multiplyByTransposed(b2, 2, out2);
    expectClose(out1, first.product, 54);
    expectClose(out2, second.product, 55);
  });

  // Every length around the 4-per-pass blocking and its scalar tail.
  it.each([0, 1, 2, 3, 4, 5, 7, 8, 9, 1793])(
    "vector block agrees with the JS one for n=%i",
    (n) => {
      const run = (kernel: GemmKernel) => {
        const block = kernel.vectors(3, n);
        block.views[0]?.set(random(n, 5));
        block.views[1]?.set(random(n, 6));
        block.views[2]?.set(random(n, 7));
        const dots = [block.dot(0, 1), block.dot(2, 2)];
        block.axpy(-0.75, 0, 1);
        block.scale(1.5, 2);
        return { dots, views: block.views.map((v) => Float64Array.from(v)) };
      };
      const expected = run(JS_GEMM);
      const actual = run(wasm);
      actual.dots.forEach((value, i) => {
        expect(Math.abs(value - (expected.dots[i] as number))).toBeLessThanOrEqual(1e-13 * n);
      });
      actual.views.forEach((view, i) => {
        expectClose(view, expected.views[i] as Float64Array, 1);
      });
      expect(run(wasm)).toEqual(actual);
    },
  );

  it("takes float32 weights and accumulates into float32 as it does their float64 copies", () => {
    const [n, m, d] = [6, 301, 449];
    const a = random(n * d, 1);
    const b = Float32Array.from(random(m * d, 2));
    const r = random(n * m, 3);
    const start = Float32Array.from(random(m * d, 4));
    for (const kernel of [JS_GEMM, wasm]) {
      const fromSingles = new Float64Array(n * m);
      const fromDoubles = new Float64Array(n * m);
      kernel.multiplyByTransposed(a, b, n, m, d, fromSingles);
      kernel.multiplyByTransposed(a, Float64Array.from(b), n, m, d, fromDoubles);
      expect(fromSingles).toEqual(fromDoubles);
      // Rounded to float32 where it is stored (at most once per row of R; |partial sums| ≤ |start| + n).
      const single = Float32Array.from(start);
      const double = Float64Array.from(start);
      kernel.addTransposedProduct(r, a, n, m, d, single);
      kernel.addTransposedProduct(r, a, n, m, d, double);
      const beyond = single.filter(
        (value, i) =>
          Math.abs(value - (double[i] as number)) >
          n * 2 ** -24 * (Math.abs(start[i] as number) + n),
      );
      expect(beyond.length).toBe(0);
      expect(single).not.toEqual(Float32Array.from(start));
    }
  });

  it("lets go of its memory and computes the same after", () => {
    const fixed = wasm.fixedLeft(random(40 * 301, 1), 40, 301);
    const before = new Float64Array(40 * 7);
    fixed.multiplyByTransposed(random(7 * 301, 2), 7, before);
    wasm.releaseMemory();
    const after = new Float64Array(40 * 7);
    fixed.multiplyByTransposed(random(7 * 301, 2), 7, after);
    expect(after).toEqual(before);
  });

  it("gives the same bits every time, whatever ran before in its memory", () => {
    const first = products(wasm, 9, 3, 33);
    products(wasm, 40, 7, 301);
    const again = products(wasm, 9, 3, 33);
    expect(again).toEqual(first);
    expect(again.fixedProduct).toEqual(first.product);
  });
});

// A left operand over ~4 MiB (2056 x 514 padded doubles) passes through the memory in blocks of rows.
describe("WebAssembly SIMD matrix kernel, a large left operand", () => {
  const [n, m, d] = [2053, 150, 513];
  const a = random(n * d, 1);
  const b = random(m * d, 2);
  const r = random(n * m, 3);
  const start = random(m * d, 4);
  /** Row ranges small enough to stay in the memory whole, each a multiple of 4 rows but the last. */
  const parts = [
    [0, 1000],
    [1000, 2000],
    [2000, n],
  ] as const;

  it("gives each product row the bits of the same row computed in place", () => {
    // A fresh memory (it never shrinks): what it grows to is the streamed product's own.
    wasm.releaseMemory();
    const streamed = new Float64Array(n * m);
    wasm.fixedLeft(a, n, d).multiplyByTransposed(b, m, streamed);
    // A block of A (~4 MiB), one of B and one of the product: not A's whole copy.
    expect(wasm.memoryBytes()).toBeLessThan(n * d * 8);
    const inPlace = new Float64Array(n * m);
    for (const [first, end] of parts) {
      const rows = end - first;
      const part = new Float64Array(rows * m);
      wasm.multiplyByTransposed(a.subarray(first * d, end * d), b, rows, m, d, part);
      inPlace.set(part, first * m);
    }
    expect(streamed).toEqual(inPlace);
  });

  it("adds R^T A in A's row order, the bits of adding its parts in turn", () => {
    const streamed = Float64Array.from(start);
    wasm.addTransposedProduct(r, a, n, m, d, streamed);
    const inTurn = Float64Array.from(start);
    for (const [first, end] of parts) {
      const rows = end - first;
      wasm.addTransposedProduct(
        r.subarray(first * m, end * m),
        a.subarray(first * d, end * d),
        rows,
        m,
        d,
        inTurn,
      );
    }
    expect(streamed).toEqual(inTurn);
    expectClose(streamed, products(JS_GEMM, n, m, d).accumulated, n * d);
  });

  it("rounds a float32 out once per product, as when A stays in place", () => {
    const single = Float32Array.from(start);
    const double = Float64Array.from(single);
    const fixed = wasm.fixedLeft(a, n, d);
    fixed.addTransposedProduct(r, m, single);
    fixed.addTransposedProduct(r, m, double);
    expect(single).toEqual(Float32Array.from(double));
  });
});
