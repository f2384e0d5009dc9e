/** The SIMD kernel for Node, compiled from the committed gemm.wasm (Node may compile at run time). */

import { readFile } from "node:fs/promises";
import type { GemmKernel } from "../../../adapters";
import { wasmGemmKernel } from "./wasm-gemm";

const GEMM_WASM = new URL("./gemm.wasm", import.meta.url);

// The workers types (rightly) leave out run-time compilation, which workerd refuses; Node has it.
const { compile } = WebAssembly as unknown as {
  compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
};

export async function nodeGemmKernel(): Promise<GemmKernel> {
  return wasmGemmKernel(await compile(await readFile(GEMM_WASM)));
}
