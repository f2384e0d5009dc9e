/** onnxruntime-web's SIMD wasm (14 MB, ≈3.7 MB gzip), precompiled by wrangler at bundle time. */

import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import type { RuntimeEngines } from "../engine";
import { ortEngine } from "../ort-engine";

export const BUNDLED_ORT: RuntimeEngines = { onnx: ortEngine(async () => ortWasm) };
