import type { BackbonePool } from "./runtime/backbones";
import type { TenantStore } from "./storage/tenant-store";

/** Bindings declared in wrangler.toml. */
export interface Bindings {
  ASSETS: Fetcher;
  HEADS: KVNamespace;
  SAMPLES: R2Bucket;
  TENANTS: DurableObjectNamespace<TenantStore>;
  ADMIN_TOKEN: string;
}

/** Per-request variables set by middleware. */
export interface Variables {
  backbones: BackbonePool;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
