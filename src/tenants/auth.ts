/**
 * Bearer authentication. Admin routes take the deployment's ADMIN_TOKEN; tenant routes take a tenant
 * API key, which names its tenant, and that tenant's Durable Object checks the key's hash. A tenant
 * key is counted against its per-key rate limit before its Durable Object is asked (only its holder
 * can fill that bucket, and a caller over its limit costs no object call); the admin token only once
 * it matched, so that wrong tokens cannot use up the admin's bucket.
 */

import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { constantTimeEqual, sha256Hex } from "../digests";
import type { AppEnv } from "../env";
import { Problem } from "../problem";
import { rateLimited } from "../rate-limit";
import type { AdapterEnv, TenantContext, TenantEnv } from "./context";
import { tenantIdOfKey } from "./keys";
import { type PresentedTenantKey, servingAdapter } from "./serving";
import { tenantStore } from "./stores";

export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!(await isAdminToken(c, token))) {
    throw tenantIdOfKey(token)
      ? new Problem(
          401,
          "unauthorized",
          "a tenant API key does not open the admin routes: send the admin token",
        )
      : unauthorized("admin token");
  }
  const refused = await rateLimited(c, "key", ADMIN_RATE_KEY);
  if (refused) return refused;
  c.set("acceptedKeyHash", await sha256Hex(token));
  await next();
});

/** The admin token or any tenant's valid API key (the routes that serve every caller, e.g. /v1/embed). */
export const callerAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (await isAdminToken(c, token)) {
    const refused = await rateLimited(c, "key", ADMIN_RATE_KEY);
    if (refused) return refused;
    c.set("acceptedKeyHash", await sha256Hex(token));
    return next();
  }
  const presented = await presentedKey(c);
  if ("refused" in presented) return presented.refused;
  if (!(await presented.store.authenticate(presented.keyHash))) throw unauthorized("API key");
  c.set("acceptedKeyHash", presented.keyHash);
  await next();
});

export const tenantAuth = createMiddleware<TenantEnv>(async (c, next) => {
  const presented = await presentedKey(c);
  if ("refused" in presented) return presented.refused;
  c.set("tenant", await tenantOf(presented));
  c.set("acceptedKeyHash", presented.keyHash);
  await next();
});

/**
 * The tenant the request's key opens, or 401. A long-lived response (an event stream) asks again as
 * it goes, so revoking the key or deleting the tenant ends it; those checks are not rate-limited.
 */
export async function authenticatedTenant(c: Context): Promise<TenantContext> {
  return tenantOf(await keyOf(c));
}

async function tenantOf({ store, keyHash }: PresentedTenantKey): Promise<TenantContext> {
  const tenant = await store.authenticate(keyHash);
  if (!tenant) throw unauthorized("API key");
  return { ...tenant, store };
}

/**
 * `tenantAuth` for the prediction path: the key and the route's adapter come from the serving records
 * in KV (./serving.ts), so a prediction makes no Durable Object call once they are written. A
 * revoked key is refused, and a rollback served, within the bounds of src/storage/serving-cache.ts.
 */
export const tenantAdapterAuth = createMiddleware<AdapterEnv>(async (c, next) => {
  const presented = await presentedKey(c);
  if ("refused" in presented) return presented.refused;
  const adapter = await servingAdapter(c.env.HEADS, presented, c.req.param("adapterId") ?? "");
  if (!adapter) throw unauthorized("API key");
  c.set("tenantId", presented.tenantId);
  c.set("adapter", adapter);
  c.set("acceptedKeyHash", presented.keyHash);
  await next();
});

/** The admin token's bucket in the per-key rate limit. */
const ADMIN_RATE_KEY = "admin";

async function isAdminToken(c: Context, token: string): Promise<boolean> {
  const expected = (c.env as Partial<AppEnv["Bindings"]> | undefined)?.ADMIN_TOKEN;
  // An unset ADMIN_TOKEN disables admin access rather than accepting an empty token.
  return expected ? constantTimeEqual(token, expected) : false;
}

/** The tenant key presented, hashed and counted against its rate limit (or the 429 to send). */
async function presentedKey(c: Context): Promise<PresentedTenantKey | { refused: Response }> {
  const presented = await keyOf(c);
  const refused = await rateLimited(c, "key", presented.keyHash);
  return refused ? { refused } : presented;
}

/** The tenant key presented, hashed, with its tenant's object (401 when it is no tenant key). */
async function keyOf(c: Context): Promise<PresentedTenantKey> {
  const key = bearerToken(c.req.header("authorization"));
  const tenantId = tenantIdOfKey(key);
  if (!tenantId) {
    throw (await isAdminToken(c, key))
      ? new Problem(
          401,
          "unauthorized",
          "the admin token opens the admin routes (/v1/tenants…) and /v1/embed, not this one: send a tenant API key",
        )
      : unauthorized("API key");
  }
  return { tenantId, store: tenantStore(c.env, tenantId), keyHash: await sha256Hex(key) };
}

function bearerToken(header: string | undefined): string {
  const token = presentedToken(header);
  if (!token) throw new Problem(401, "unauthorized", "send Authorization: Bearer <token>");
  return token;
}

/** The token of an `Authorization: Bearer <token>` header; undefined for any other. */
export function presentedToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
}

function unauthorized(what: string): Problem {
  return new Problem(401, "unauthorized", `the ${what} is missing, wrong or revoked`);
}
