import type { JobRunner } from "./objects/job-runner";
import type { TenantStore } from "./objects/tenant-store";
import type { BackbonePool } from "./runtime/backbones";

/** Bindings declared in wrangler.toml. */
export interface Bindings {
  ASSETS: Fetcher;
  HEADS: KVNamespace;
  SAMPLES: R2Bucket;
  TENANTS: DurableObjectNamespace<TenantStore>;
  JOB_RUNNERS: DurableObjectNamespace<JobRunner>;
  ADMIN_TOKEN: string;
  /** Work per job step in floating-point operations (default adapters' STEP_FLOPS); tests use less. */
  JOB_STEP_FLOPS?: string;
}

/** Per-request variables set by middleware. */
export interface Variables {
  backbones: BackbonePool;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
