/**
 * What one worker build carries: the backbones it serves and the engines of the runtimes they run on.
 * Each entry module in this folder is one deployment; wrangler bundles only what its entry imports,
 * so a deployment without ONNX backbones contains neither onnxruntime's library nor its 14 MB wasm
 * (models/DEPLOYMENT.md).
 */

import type { BackboneDefinition } from "../../../models";
import type { RuntimeEngines } from "../engine";

export interface Deployment {
  readonly backbones: readonly BackboneDefinition[];
  /** From ./bundled-tfjs.ts and ./bundled-ort.ts, one per runtime it carries. */
  readonly engines: RuntimeEngines;
}
