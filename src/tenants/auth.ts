/**
 * Bearer authentication. Admin routes take the deployment's ADMIN_TOKEN; tenant routes take a tenant
 * API key, which names its tenant, and that tenant's Durable Object checks the key's hash.
 */

import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { Problem } from "../problem";
import { unwrap } from "../storage/outcome";
import type { AdapterEnv, TenantContext, TenantEnv } from "./context";
import { constantTimeEqual, sha256Hex, tenantIdOfKey } from "./keys";
import { type TenantStoreClient, tenantStore } from "./stores";

export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  const expected = c.env.ADMIN_TOKEN;
  // An unset ADMIN_TOKEN disables admin routes rather than accepting an empty token.
  if (!expected || !(await constantTimeEqual(token, expected))) throw unauthorized("admin token");
  await next();
});

export const tenantAuth = createMiddleware<TenantEnv>(async (c, next) => {
  c.set("tenant", await authenticatedTenant(c));
  await next();
});

/**
 * The tenant the request's key opens, or 401. A long-lived response (an event stream) asks again as
 * it goes, so revoking the key or deleting the tenant ends it.
 */
export async function authenticatedTenant(c: Context): Promise<TenantContext> {
  const { store, keyHash } = await presentedKey(c);
  const tenant = await store.authenticate(keyHash);
  if (!tenant) throw unauthorized("API key");
  return { ...tenant, store };
}

/**
 * `tenantAuth` that also reads the route's adapter, in the same round trip to the tenant's object:
 * the prediction path pays for one Durable Object call, not two.
 */
export const tenantAdapterAuth = createMiddleware<AdapterEnv>(async (c, next) => {
  const { store, keyHash } = await presentedKey(c);
  const found = await store.authenticateForAdapter(keyHash, c.req.param("adapterId") ?? "");
  if (!found) throw unauthorized("API key");
  c.set("tenant", { ...found.tenant, store });
  c.set("adapter", unwrap(found.adapter));
  await next();
});

async function presentedKey(c: Context): Promise<{ store: TenantStoreClient; keyHash: string }> {
  const key = bearerToken(c.req.header("authorization"));
  const tenantId = tenantIdOfKey(key);
  if (!tenantId) throw unauthorized("API key");
  return { store: tenantStore(c.env, tenantId), keyHash: await sha256Hex(key) };
}

function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) {
    throw new Problem(401, "unauthorized", "send Authorization: Bearer <token>");
  }
  return match[1];
}

function unauthorized(what: string): Problem {
  return new Problem(401, "unauthorized", `the ${what} is missing, wrong or revoked`);
}
