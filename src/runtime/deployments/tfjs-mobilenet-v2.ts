/**
 * Worker entry with MobileNetV2 on tfjs only:
 *   wrangler deploy src/runtime/deployments/tfjs-mobilenet-v2.ts
 */

import { mobilenetV2 } from "../../../models/mobilenet-v2";
import { TFJS_WASM } from "./tfjs-wasm";
import { workerFor } from "./worker";

export default workerFor({ backbones: [mobilenetV2], wasm: TFJS_WASM });

export { TenantStore } from "../../storage/tenant-store";
