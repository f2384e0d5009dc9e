/** Starting a runtime's wasm in this isolate, from the module the host carries for it. */

import type { BackboneRuntime } from "../../models";
import type { RuntimeHost } from "./host";
import { useOrtWasm } from "./ort";
import { useTfjsWasm } from "./tfjs-wasm";

/** Both runtimes keep one wasm instance per isolate; starting again reuses it. */
export async function startRuntime(host: RuntimeHost, runtime: BackboneRuntime): Promise<void> {
  const wasm = host.wasm[runtime];
  if (wasm === undefined) throw new Error(`this deployment does not carry the ${runtime} runtime`);
  if (runtime === "tfjs-graph") await useTfjsWasm(await wasm());
  else useOrtWasm(await wasm());
}
