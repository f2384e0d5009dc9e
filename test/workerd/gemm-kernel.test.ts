import { describe, expect, it } from "vitest";
import { gemmKernel } from "../../adapters";
import { JS_GEMM } from "../../adapters/linalg/js-gemm";
import { worker } from "./worker";

describe("the Worker's matrix kernel", () => {
  it("is the bundled WebAssembly SIMD one, and computes what the JS one does", async () => {
    expect((await worker.fetch("https://edge.test/healthz")).ok).toBe(true);
    const kernel = gemmKernel();
    expect(kernel.name).toBe("wasm-simd");
    const [n, m, d] = [5, 3, 7];
    const a = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i));
    const b = Float64Array.from({ length: m * d }, (_, i) => Math.cos(i));
    const expected = new Float64Array(n * m);
    const actual = new Float64Array(n * m);
    JS_GEMM.multiplyByTransposed(a, b, n, m, d, expected);
    kernel.fixedLeft(a, n, d).multiplyByTransposed(b, m, actual);
    actual.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i] as number, 12);
    });
  });

  it("computes on L-BFGS's vectors in its own memory (dot, axpy, scale)", async () => {
    expect((await worker.fetch("https://edge.test/healthz")).ok).toBe(true);
    expect(gemmKernel().name).toBe("wasm-simd");
    const block = gemmKernel().vectors(2, 9);
    block.views[0]?.set(Float64Array.from({ length: 9 }, (_, i) => i + 1));
    block.views[1]?.fill(2);
    block.axpy(0.5, 0, 1);
    block.scale(2, 1);
    expect(block.dot(0, 1)).toBeCloseTo(4 * 45 + 285, 12);
  });
});
