/**
 * The Cloudflare Worker with every backbone and both runtimes: the local default (`npm start`, the
 * workerd tests). Single-backbone workers are in src/runtime/deployments (models/DEPLOYMENT.md).
 */

import { BACKBONES } from "../models";
import { BUNDLED_ORT } from "./runtime/deployments/bundled-ort";
import { BUNDLED_TFJS } from "./runtime/deployments/bundled-tfjs";
import { workerFor } from "./runtime/deployments/worker";

export default workerFor({
  backbones: Object.values(BACKBONES),
  engines: { ...BUNDLED_TFJS, ...BUNDLED_ORT },
});

export { JobRunner } from "./objects/job-runner";
export { TenantStore } from "./objects/tenant-store";
