/**
 * Worker entry with Universal Sentence Encoder lite on tfjs only:
 *   wrangler deploy src/runtime/deployments/tfjs-use-lite.ts
 */

import { useLite } from "../../../models/use-lite";
import { BUNDLED_TFJS } from "./bundled-tfjs";
import { workerFor } from "./worker";

export default workerFor({ backbones: [useLite], engines: BUNDLED_TFJS });

export { TenantStore } from "../../storage/tenant-store";
