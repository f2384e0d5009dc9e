import type { RuntimeEngine } from "./engine";
import { ortWasmHeapBytes, useOrtWasm } from "./ort";

/** onnxruntime-web's wasm backend from `wasm` (compiled lazily by the Node host, imported in workerd). */
export function ortEngine(wasm: () => Promise<WebAssembly.Module>): RuntimeEngine {
  return { start: async () => useOrtWasm(await wasm()), heapBytes: ortWasmHeapBytes };
}
