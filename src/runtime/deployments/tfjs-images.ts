/**
 * Worker entry with two image backbones on tfjs, MobileNetV2 width 1.4 (graph model) and width 1.0
 * (Keras model), so image selection has two networks to rank (a 128 MB isolate holds one at a time:
 * src/runtime/residency.ts):
 *   wrangler deploy src/runtime/deployments/tfjs-images.ts
 */

import { mobilenetV2 } from "../../../models/mobilenet-v2";
import { mobilenetV2100 } from "../../../models/mobilenet-v2-100";
import { BUNDLED_TFJS } from "./bundled-tfjs";
import { workerFor } from "./worker";

export default workerFor({ backbones: [mobilenetV2, mobilenetV2100], engines: BUNDLED_TFJS });

export { JobRunner } from "../../objects/job-runner";
export { TenantStore } from "../../objects/tenant-store";
