import type { RuntimeEngines } from "./engine";
import { useTfjsWasm, wasmHeapBytes } from "./tfjs-wasm";

/**
 * tfjs's wasm backend from `wasm` (compiled lazily by the Node host, imported in workerd). Both tfjs
 * model formats run on this one engine: one wasm backend, one heap per isolate.
 */
export function tfjsEngines(wasm: () => Promise<WebAssembly.Module>): RuntimeEngines {
  const engine = { start: async () => useTfjsWasm(await wasm()), heapBytes: wasmHeapBytes };
  return { "tfjs-graph": engine, "tfjs-layers": engine };
}
