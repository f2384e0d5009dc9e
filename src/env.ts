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
  /** "true" lets /v1/embed answer without credentials (per-IP rate limit only); default "false". */
  PUBLIC_EMBED?: string;
  /** "off" disables the rate limits (load tests); anything else keeps them. */
  RATE_LIMITS?: string;
  /** Requests per API key (tenant keys and the admin token) and period: [[ratelimits]]. */
  KEY_RATE_LIMIT?: RateLimit;
  /** Requests per client IP on public routes: [[ratelimits]]. */
  CLIENT_RATE_LIMIT?: RateLimit;
  /** Failed authentications per client IP (src/auth-lockout.ts). */
  AUTH_FAILURE_LIMIT?: RateLimit;
  /** Backbones to load and warm on the isolate's first request, comma-separated (warm-up.ts). */
  WARM_BACKBONES?: string;
  /** "on" mounts the benchmark's tenant seeding (src/routes/dev-seed.ts); never set in production. */
  DEV_SEEDING?: string;
  /** Origins allowed cross-origin access, comma-separated (src/routes/cors.ts); empty: none. */
  CORS_ORIGINS?: string;
}

/** Per-request variables set by middleware. */
export interface Variables {
  backbones: BackbonePool;
  /** The SHA-256 of the credential the request was authenticated with (src/auth-lockout.ts). */
  acceptedKeyHash?: string;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}

/**
 * The bindings of the app called in-process on Node (`app.request(path, init, IN_PROCESS_BINDINGS)`
 * in tests and benchmarks): no Cloudflare bindings, no credentials, so /v1/embed is public there.
 */
export const IN_PROCESS_BINDINGS: Partial<Bindings> = { PUBLIC_EMBED: "true" };
