/**
 * Node only (tests, benchmarks, the Node host): compiles onnxruntime-web's SIMD wasm from
 * node_modules. workerd gets the same module precompiled by importing
 * `onnxruntime-web/ort-wasm-simd-threaded.wasm`.
 */

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

// workers-types, which this project's tsconfig loads, declare no WebAssembly.compile (workerd forbids it).
const { compile } = WebAssembly as unknown as {
  compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
};

export async function compileOrtWasm(): Promise<WebAssembly.Module> {
  const require = createRequire(import.meta.url);
  return compile(await readFile(require.resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm")));
}
