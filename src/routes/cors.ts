/**
 * Cross-origin access (hono/cors) for the origins listed in CORS_ORIGINS (comma-separated, exact
 * origins such as `https://app.example.com`). Empty or unset: no origin is allowed, so browsers on
 * other sites cannot call the API. A preflight from an origin not on the list gets a 403 problem and
 * no CORS headers.
 */

import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../env";
import { echoId, Problem } from "../problem";

/** The allowed origins of a CORS_ORIGINS value (parsed once per distinct value). */
const parsed = new Map<string, ReadonlySet<string>>();

export function allowedOrigins(setting: string | undefined): ReadonlySet<string> {
  const key = setting ?? "";
  let origins = parsed.get(key);
  if (!origins) {
    origins = new Set(
      key
        .split(",")
        .map((origin) => origin.trim().replace(/\/+$/, ""))
        .filter((origin) => origin.length > 0),
    );
    parsed.set(key, origins);
  }
  return origins;
}

const allowCors = cors({
  origin: (origin) => origin,
  allowMethods: ["GET", "POST", "PATCH", "DELETE"],
  allowHeaders: ["authorization", "content-type"],
  exposeHeaders: ["retry-after"],
  maxAge: 600,
});

export function corsPolicy(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin && allowedOrigins(c.env.CORS_ORIGINS).has(origin)) return allowCors(c, next);
    const preflight = c.req.method === "OPTIONS" && c.req.header("access-control-request-method");
    if (origin && preflight) {
      throw new Problem(
        403,
        "origin-not-allowed",
        `cross-origin requests from ${echoId(origin)} are not allowed (CORS_ORIGINS)`,
      );
    }
    return next();
  };
}
