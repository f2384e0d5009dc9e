import type { BackbonePool } from "./runtime/backbones";
import type { TenantStore } from "./storage/tenant-store";

/** Bindings declared in wrangler.toml. */
export interface Bindings {
  ASSETS: Fetcher;
  HEADS: KVNamespace;
  SAMPLES: R2Bucket;
  TENANTS: DurableObjectNamespace<TenantStore>;
  ADMIN_TOKEN: string;
  /** Origins allowed cross-origin access, comma-separated (src/routes/cors.ts); empty: none. */
  CORS_ORIGINS?: string;
}

/** Per-request variables set by middleware. */
export interface Variables {
  backbones: BackbonePool;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
