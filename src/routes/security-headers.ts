/**
 * Response headers on every route (hono/secure-headers): nosniff, no framing, no referrer, and a
 * Content-Security-Policy. API responses allow nothing to load; the /docs page may run its own
 * inline script and style (by nonce) and fetch /openapi.json. Every /v1 response is `no-store`:
 * they carry keys, tenants' data or per-request results that no cache should keep. The one
 * exception is a route that marks its answer `private` (an immutable export): only the client's
 * own cache may keep it.
 */

import type { MiddlewareHandler } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";

const LOCKED_DOWN = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

const apiHeaders = secureHeaders({ contentSecurityPolicy: LOCKED_DOWN });

const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    ...LOCKED_DOWN,
    scriptSrc: [NONCE],
    styleSrc: [NONCE],
    connectSrc: ["'self'"],
  },
});

/** Paths that serve HTML. */
const PAGES = new Set(["/docs"]);

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await (PAGES.has(c.req.path) ? pageHeaders : apiHeaders)(c, next);
    const privateCache = c.res.headers.get("cache-control")?.startsWith("private,") ?? false;
    if (c.req.path.startsWith("/v1/") && !privateCache)
      c.res.headers.set("cache-control", "no-store");
  };
}
