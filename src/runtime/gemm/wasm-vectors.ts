/**
 * The VectorBlock of the WebAssembly kernel: its own instance of gemm.wasm whose memory holds the
 * vectors back to back, grown once, so the views stay valid for the block's life; dot, axpy and
 * scale run in the module's f64x2 loops on them in place (no copies).
 */

import type { VectorBlock } from "../../../adapters";

interface VectorExports {
  memory: WebAssembly.Memory;
  dot(x: number, y: number, n: number): number;
  axpy(alpha: number, x: number, y: number, n: number): void;
  scale(alpha: number, x: number, n: number): void;
}

const PAGE_BYTES = 65536;

export function wasmVectors(module: WebAssembly.Module, count: number, n: number): VectorBlock {
  const kernel = new WebAssembly.Instance(module, {}).exports as unknown as VectorExports;
  // Each vector starts on a 16-byte boundary (even length), where v128 loads are fastest.
  const stride = (n + (n % 2)) * 8;
  const missing = count * stride - kernel.memory.buffer.byteLength;
  if (missing > 0) kernel.memory.grow(Math.ceil(missing / PAGE_BYTES));
  const { buffer } = kernel.memory;
  const views = Array.from({ length: count }, (_, i) => new Float64Array(buffer, i * stride, n));
  return {
    views,
    dot: (a, b) => kernel.dot(a * stride, b * stride, n),
    axpy: (alpha, x, y) => kernel.axpy(alpha, x * stride, y * stride, n),
    scale: (alpha, x) => kernel.scale(alpha, x * stride, n),
  };
}
