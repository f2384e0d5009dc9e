/**
 * Starts onnxruntime-web's wasm backend from a precompiled `WebAssembly.Module`.
 *
 * Why a shim is needed: workerd refuses to compile wasm at run time, so the module must arrive
 * precompiled (a bundle-time `.wasm` import there, `WebAssembly.compile` in Node). onnxruntime-web
 * 1.30 has no option that accepts one: `env.wasm.wasmPaths` makes it fetch + compile,
 * `env.wasm.wasmBinary` takes bytes that it compiles, and although its emscripten glue honours an
 * `instantiateWasm` hook, ort's wasm factory builds the glue's config itself from
 * `{ numThreads, wasmBinary, locateFile }` only, so that hook cannot be reached.
 *
 * The narrowest remaining seam: with `wasmBinary` set, the glue makes exactly one call,
 * `WebAssembly.instantiate(new Uint8Array(wasmBinary), imports)`. We pass a marker ArrayBuffer as
 * `wasmBinary` and, only while ort initialises, replace `WebAssembly.instantiate` by a function that
 * recognises the marker (by buffer identity) and instantiates the precompiled module with the same
 * imports; every other call goes through untouched, and the original is restored afterwards.
 */

import { env } from "onnxruntime-web/wasm";

type Instantiate = typeof WebAssembly.instantiate;

/** The memory ort's instance runs in (the threaded build imports it rather than exporting it). */
let heap: WebAssembly.Memory | undefined;

/** Bytes currently reserved by ort's wasm heap (grows, never shrinks); 0 before ort starts. */
export function ortWasmHeapBytes(): number {
  return heap?.buffer.byteLength ?? 0;
}

function importedMemory(imports: WebAssembly.Imports | undefined): WebAssembly.Memory | undefined {
  return Object.values(imports ?? {})
    .flatMap((module) => Object.values(module))
    .find((value): value is WebAssembly.Memory => value instanceof WebAssembly.Memory);
}

/** Runs `start` (which must trigger ort's one-time wasm initialisation) with the module in place. */
export async function withPrecompiledOrtWasm<T>(
  wasmModule: WebAssembly.Module,
  start: () => Promise<T>,
): Promise<T> {
  const marker = new ArrayBuffer(8);
  const original = WebAssembly.instantiate;
  const redirected = ((source: unknown, imports?: WebAssembly.Imports) => {
    if (!isMarker(source, marker)) return original(source as BufferSource, imports);
    heap = importedMemory(imports);
    return original(wasmModule, imports).then((instance) => ({ instance, module: wasmModule }));
  }) as Instantiate;
  env.wasm.wasmBinary = marker;
  WebAssembly.instantiate = redirected;
  try {
    return await start();
  } finally {
    WebAssembly.instantiate = original;
    env.wasm.wasmBinary = undefined;
  }
}

function isMarker(source: unknown, marker: ArrayBuffer): boolean {
  return ArrayBuffer.isView(source) && source.buffer === marker;
}
