/** onnxruntime-web's SIMD wasm (14 MB, ≈3.7 MB gzip), precompiled by wrangler at bundle time. */

import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import type { Deployment } from "./deployment";

export const ORT_WASM: Deployment["wasm"] = { onnx: ortWasm };
