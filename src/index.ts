/**
 * The Cloudflare Worker with every backbone and both runtimes: the local default (`npm start`, the
 * workerd tests). Single-backbone workers are in src/runtime/deployments (models/DEPLOYMENT.md).
 */

import { BACKBONES } from "../models";
import { ORT_WASM } from "./runtime/deployments/ort-wasm";
import { TFJS_WASM } from "./runtime/deployments/tfjs-wasm";
import { workerFor } from "./runtime/deployments/worker";

export default workerFor({
  backbones: Object.values(BACKBONES),
  wasm: { ...TFJS_WASM, ...ORT_WASM },
});

export { TenantStore } from "./storage/tenant-store";
