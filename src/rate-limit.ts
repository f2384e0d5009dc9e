/**
 * Abuse limits: requests per API key (tenant keys, the admin token) and per client IP (public routes),
 * counted by Cloudflare's rate-limiting bindings (`[[ratelimits]]` in wrangler.toml, simulated
 * in memory by `wrangler dev` and the workerd tests). Over a limit → 429 problem+json with
 * `Retry-After`. A host without the bindings (the Node app in tests and benchmarks) is not limited,
 * and `RATE_LIMITS = "off"` turns them off for load tests.
 */

import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv, Bindings } from "./env";
import { Problem, problemResponse } from "./problem";

/**
 * The `simple.period` of both bindings in wrangler.toml. The binding does not say when its window
 * ends, so a refused client is told to wait one whole period: never too early.
 */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

type RateLimitScope = "key" | "client";

function limiterOf(env: Partial<Bindings> | undefined, scope: RateLimitScope) {
  if (env?.RATE_LIMITS === "off") return undefined;
  return scope === "key" ? env?.KEY_RATE_LIMIT : env?.CLIENT_RATE_LIMIT;
}

/**
 * Counts one request against `key` in `scope`. Returns the 429 response to send when the limit is
 * reached, undefined when the request may go on.
 */
export async function rateLimited(
  c: Context,
  scope: RateLimitScope,
  key: string,
): Promise<Response | undefined> {
  const limiter = limiterOf(c.env as Partial<Bindings> | undefined, scope);
  if (!limiter) return undefined;
  if (await withinLimit(limiter, `${scope}:${key}`)) return undefined;
  c.header("retry-after", String(RATE_LIMIT_PERIOD_SECONDS));
  const who = scope === "key" ? "this API key" : "this client address";
  return problemResponse(
    c,
    new Problem(
      429,
      "rate-limited",
      `too many requests from ${who}; retry after ${RATE_LIMIT_PERIOD_SECONDS} s`,
      { scope, retryAfterSeconds: RATE_LIMIT_PERIOD_SECONDS },
    ),
  );
}

/** An abuse limit fails open: a limiter that cannot answer must not turn requests into 5xx. */
async function withinLimit(limiter: RateLimit, key: string): Promise<boolean> {
  try {
    return (await limiter.limit({ key })).success;
  } catch (error) {
    console.warn("rate limiter unavailable; request let through", error);
    return true;
  }
}

/** The caller's address as Cloudflare's edge reports it; every unknown caller shares one bucket. */
function clientAddress(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}

/** Per-IP limit for public routes. */
export const clientRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const refused = await rateLimited(c, "client", clientAddress(c));
  if (refused) return refused;
  await next();
});
