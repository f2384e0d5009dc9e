/**
 * Response headers on every route (hono/secure-headers): nosniff, no framing, no referrer, and a
 * Content-Security-Policy. API responses allow nothing to load; the console (/) and /docs may load
 * their own files and call this origin. Every /v1 response is `no-store`: they carry keys, tenants'
 * data or per-request results that no cache should keep. The one exception is a route that marks its
 * answer `private` (an immutable export): only the client's own cache may keep it.
 */

import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

const LOCKED_DOWN = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

const apiHeaders = secureHeaders({ contentSecurityPolicy: LOCKED_DOWN });

/**
 * The console and /docs: their own scripts and styles only (files, no inline script), pictures the
 * page made itself (thumbnails are blob: URLs; Swagger UI draws icons as data: URLs), requests to
 * this origin. Swagger UI sets element styles from script, which style-src does not govern.
 */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    ...LOCKED_DOWN,
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:", "blob:"],
    connectSrc: ["'self'"],
  },
});

/** Paths that serve HTML. */
const PAGES = new Set(["/", "/docs"]);

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await (PAGES.has(c.req.path) ? pageHeaders : apiHeaders)(c, next);
    const privateCache = c.res.headers.get("cache-control")?.startsWith("private,") ?? false;
    if (c.req.path.startsWith("/v1/") && !privateCache)
      c.res.headers.set("cache-control", "no-store");
  };
}
