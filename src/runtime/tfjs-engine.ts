import type { RuntimeEngine, RuntimeEngines } from "./engine";
import { useTfjsWasm, wasmHeapBytes } from "./tfjs-wasm";

/** tfjs's wasm backend from `wasm` (compiled lazily by the Node host, imported in workerd). */
export function tfjsEngine(wasm: () => Promise<WebAssembly.Module>): RuntimeEngine {
  return { start: async () => useTfjsWasm(await wasm()), heapBytes: wasmHeapBytes };
}

/** Both tfjs model formats run on one engine: one wasm backend per isolate. */
export function tfjsEngines(engine: RuntimeEngine): RuntimeEngines {
  return { "tfjs-graph": engine, "tfjs-layers": engine };
}
