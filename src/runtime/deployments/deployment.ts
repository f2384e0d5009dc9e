/**
 * What one worker build carries: the backbones it serves and the wasm of the runtimes they run on.
 * Each entry module in this folder is one deployment; wrangler bundles only what its entry imports,
 * so a deployment without ONNX backbones never contains onnxruntime's 14 MB wasm (models/DEPLOYMENT.md).
 */

import type { BackboneDefinition, BackboneRuntime } from "../../../models";

export interface Deployment {
  readonly backbones: readonly BackboneDefinition[];
  /** Bundle-time `.wasm` imports (./tfjs-wasm.ts, ./ort-wasm.ts), one per runtime it carries. */
  readonly wasm: Partial<Record<BackboneRuntime, WebAssembly.Module>>;
}
