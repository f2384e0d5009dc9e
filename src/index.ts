/** The Cloudflare Worker: the app with a backbone pool kept at module scope for the isolate's life. */

import { createApp } from "./app";
import type { Bindings } from "./env";
import { BackbonePool } from "./runtime/backbones";
import { workerdHost } from "./runtime/workerd";

let pool: BackbonePool | undefined;

function backbonesFor(env: Bindings): BackbonePool {
  pool ??= new BackbonePool(workerdHost(env.ASSETS));
  return pool;
}

export default createApp(backbonesFor);

export { TenantStore } from "./storage/tenant-store";
