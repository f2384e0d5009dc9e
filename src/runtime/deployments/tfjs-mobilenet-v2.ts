/**
 * Worker entry with MobileNetV2 on tfjs only:
 *   wrangler deploy src/runtime/deployments/tfjs-mobilenet-v2.ts
 */

import { mobilenetV2 } from "../../../models/mobilenet-v2";
import { BUNDLED_TFJS } from "./bundled-tfjs";
import { workerFor } from "./worker";

export default workerFor({ backbones: [mobilenetV2], engines: BUNDLED_TFJS });

export { JobRunner } from "../../objects/job-runner";
export { TenantStore } from "../../objects/tenant-store";
