/**
 * Worker entry with Universal Sentence Encoder lite on tfjs only:
 *   wrangler deploy src/runtime/deployments/tfjs-use-lite.ts
 */

import { useLite } from "../../../models/use-lite";
import { TFJS_WASM } from "./tfjs-wasm";
import { workerFor } from "./worker";

export default workerFor({ backbones: [useLite], wasm: TFJS_WASM });

export { TenantStore } from "../../storage/tenant-store";
