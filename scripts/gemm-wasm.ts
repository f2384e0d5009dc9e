/**
 * `npm run gemm-wasm`: assembles src/runtime/gemm/gemm.wasm from its generated text
 * (src/runtime/gemm/gemm-wat.ts). The binary is committed; test/node/runtime/gemm-wasm.test.ts fails
 * when it no longer matches its source.
 */

import { writeFile } from "node:fs/promises";
import { assembleGemmWasm } from "../src/runtime/gemm/assemble";

const target = new URL("../src/runtime/gemm/gemm.wasm", import.meta.url);
const bytes = await assembleGemmWasm();
await writeFile(target, bytes);
console.log(`gemm-wasm: ${bytes.length} bytes → ${target.pathname}`);
