/**
 * tfjs WebAssembly backend built from a precompiled `WebAssembly.Module`.
 *
 * workerd refuses to compile wasm at run time ("Wasm code generation disallowed by embedder"), so the
 * stock backend, which fetches and compiles its `.wasm`, cannot start there. Both hosts instead hand
 * us a module compiled ahead of time (workerd: a bundle-time `.wasm` import; Node: compiled from the
 * file in node_modules) and the same code below instantiates it through emscripten's
 * `instantiateWasm` hook.
 */

import { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import createEmscriptenModule from "@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js";
import * as tf from "@tensorflow/tfjs-core";

const BACKEND = "wasm";

type EmscriptenModule = ConstructorParameters<typeof BackendWasm>[0] & { cwrap: typeof cwrap };
type InstantiateCallback = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void;

let ready: Promise<void> | undefined;
/** Our instantiated module, once the backend has started: its heap is what `wasmHeapBytes` reports. */
let started: EmscriptenModule | undefined;

/** Registers and activates the wasm backend once per isolate/process; later calls share the promise. */
export function useTfjsWasm(wasmModule: WebAssembly.Module): Promise<void> {
  ready ??= activate(wasmModule).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

async function activate(wasmModule: WebAssembly.Module): Promise<void> {
  tf.removeBackend(BACKEND);
  tf.registerBackend(BACKEND, async () => {
    started = await instantiate(wasmModule);
    return new BackendWasm(started);
  });
  if (!(await tf.setBackend(BACKEND))) {
    throw new Error("tfjs wasm backend failed to initialise");
  }
  // Frozen inference only: skip the debug-mode and gradient bookkeeping.
  tf.enableProdMode();
}

async function instantiate(wasmModule: WebAssembly.Module): Promise<EmscriptenModule> {
  const emscripten = (await createEmscriptenModule({
    instantiateWasm(imports: WebAssembly.Imports, done: InstantiateCallback) {
      WebAssembly.instantiate(wasmModule, imports).then((instance) => done(instance, wasmModule));
      return {};
    },
  })) as EmscriptenModule;
  // The same six entry points that tfjs-backend-wasm's own init() wraps.
  emscripten.tfjs = {
    init: emscripten.cwrap("init", null, []),
    initWithThreadsCount: emscripten.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: emscripten.cwrap("get_threads_count", "number", []),
    registerTensor: emscripten.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: emscripten.cwrap("dispose_data", null, ["number"]),
    dispose: emscripten.cwrap("dispose", null, []),
  };
  return emscripten;
}

/**
 * Bytes currently reserved by the wasm heap (grows, never shrinks); 0 before the backend started.
 * Not through `tf.findBackend`: before `activate` that would initialise the stock wasm backend
 * registered at import, which fetches its own `.wasm` and logs failures on every fresh isolate.
 */
export function wasmHeapBytes(): number {
  return started?.HEAPU8.buffer.byteLength ?? 0;
}
