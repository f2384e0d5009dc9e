import type { BackboneRuntime } from "../../models";

/**
 * One runtime as a host carries it: started once per isolate from its precompiled wasm, after which
 * backbones load on it. Hosts build these from ./tfjs-engine.ts and ./ort-engine.ts, so a deployment
 * that lacks a runtime imports neither its library nor its wasm.
 */
export interface RuntimeEngine {
  /** Binds the wasm module and starts the library; later calls reuse it. */
  start(): Promise<void>;
  /** Bytes reserved by its wasm heap in this isolate (grows, never shrinks). */
  heapBytes(): number;
}

export type RuntimeEngines = Partial<Record<BackboneRuntime, RuntimeEngine>>;
