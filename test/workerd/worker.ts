/** The worker under test (src/index.ts), called in-process inside workerd. */

import { exports } from "cloudflare:workers";

export const worker = (exports as unknown as { default: Fetcher }).default;
