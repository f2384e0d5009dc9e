/**
 * Worker entry with MobileNetV2 on onnxruntime-web (id mobilenet-v2-onnx) only:
 *   wrangler deploy src/runtime/deployments/ort-mobilenet-v2.ts
 */

import { mobilenetV2Onnx } from "../../../models/mobilenet-v2/onnx";
import { BUNDLED_ORT } from "./bundled-ort";
import { workerFor } from "./worker";

export default workerFor({ backbones: [mobilenetV2Onnx], engines: BUNDLED_ORT });

export { JobRunner } from "../../objects/job-runner";
export { TenantStore } from "../../objects/tenant-store";
