/**
 * Abuse limits: requests per API key (tenant keys, the admin token), per client IP (public routes)
 * and failed authentications per client IP (every /v1 route: ./auth-lockout.ts), counted by
 * Cloudflare's rate-limiting bindings (`[[ratelimits]]` in wrangler.toml, simulated in memory by
 * `wrangler dev` and the workerd tests). Over a limit → 429 problem+json with
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

/** Each scope's binding in wrangler.toml. */
const BINDINGS = {
  key: "KEY_RATE_LIMIT",
  client: "CLIENT_RATE_LIMIT",
  "auth-failure": "AUTH_FAILURE_LIMIT",
} as const;

type RateLimitScope = keyof typeof BINDINGS;

function limiterOf(env: Partial<Bindings> | undefined, scope: RateLimitScope) {
  if (env?.RATE_LIMITS === "off") return undefined;
  return env?.[BINDINGS[scope]];
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
  if (await counted(c, scope, key)) return undefined;
  const who = scope === "key" ? "this API key" : "this client address";
  return tooManyRequests(c, scope, `too many requests from ${who}`);
}

/** Counts one request against `key` in `scope`; false once the limit is reached. */
export async function counted(c: Context, scope: RateLimitScope, key: string): Promise<boolean> {
  const limiter = limiterOf(c.env as Partial<Bindings> | undefined, scope);
  return limiter ? withinLimit(limiter, `${scope}:${key}`) : true;
}

export function tooManyRequests(c: Context, scope: RateLimitScope, what: string): Response {
  c.header("retry-after", String(RATE_LIMIT_PERIOD_SECONDS));
  return problemResponse(
    c,
    new Problem(429, "rate-limited", `${what}; retry after ${RATE_LIMIT_PERIOD_SECONDS} s`, {
      scope,
      retryAfterSeconds: RATE_LIMIT_PERIOD_SECONDS,
    }),
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
export function clientAddress(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "unknown";
}

/** Per-IP limit for public routes. */
export const clientRateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const refused = await rateLimited(c, "client", clientAddress(c));
  if (refused) return refused;
  await next();
});
