/** tfjs's SIMD wasm backend (≈0.4 MB, 137 KB gzip), precompiled by wrangler at bundle time. */

import tfjsWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm";
import type { RuntimeEngines } from "../engine";
import { tfjsEngines } from "../tfjs-engine";

export const BUNDLED_TFJS: RuntimeEngines = tfjsEngines(async () => tfjsWasm);
