/**
 * Worker entry with Universal Sentence Encoder lite on tfjs, and the lexical baseline (plain
 * TypeScript, no wasm) for backbone selection to compare it with:
 *   wrangler deploy src/runtime/deployments/tfjs-use-lite.ts
 */

import { lexical } from "../../../models/lexical";
import { useLite } from "../../../models/use-lite";
import { BUNDLED_TFJS } from "./bundled-tfjs";
import { workerFor } from "./worker";

export default workerFor({ backbones: [useLite, lexical], engines: BUNDLED_TFJS });

export { JobRunner } from "../../objects/job-runner";
export { TenantStore } from "../../objects/tenant-store";
