/** The SIMD kernel in workerd: wrangler compiles gemm.wasm at bundle time (2 KB). */

import type { GemmKernel } from "../../../adapters";
import gemmWasm from "./gemm.wasm";
import { wasmGemmKernel } from "./wasm-gemm";

export const BUNDLED_GEMM: GemmKernel = wasmGemmKernel(gemmWasm);
