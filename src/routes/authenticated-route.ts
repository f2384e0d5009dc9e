/**
 * Routes behind a bearer token: the OpenAPI security scheme and the middleware that checks the
 * token, declared once for every route a tenant key or the admin token opens.
 */

import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { Problem } from "../problem";
import { adminAuth, tenantAuth } from "../tenants/auth";
import { BEARER } from "./openapi-parts";

type OpenRouteConfig = Omit<RouteConfig, "security" | "middleware">;

/**
 * A route a tenant's API key opens (`c.var.tenant` is that tenant); `checks` run after the key's
 * and before the request's validation.
 */
export function tenantRoute<const R extends OpenRouteConfig>(
  config: R,
  ...checks: MiddlewareHandler[]
) {
  return createRoute({
    ...config,
    security: BEARER,
    middleware: [tenantAuth, bodyAsDeclared(config), ...checks] as const,
  });
}

/** A route only the admin token opens. */
export function adminRoute<const R extends OpenRouteConfig>(config: R) {
  return createRoute({
    ...config,
    security: BEARER,
    middleware: [adminAuth, bodyAsDeclared(config)] as const,
  });
}

/**
 * A route that declares no body refuses one (415), as a route with a body refuses a field it does
 * not have: a garbled JSON body to `POST …/keys` issued a key, one to `…/activate` activated.
 * A route whose body is optional takes an empty one as none, whatever its Content-Type says (many
 * clients send `Content-Type: application/json` on every request; it was a 400 "Malformed JSON").
 * An upload's empty body stays a malformed one (400), not "send application/json" (415).
 */
function bodyAsDeclared(config: OpenRouteConfig) {
  // A GET's body is read and dropped already (body-limits.ts): no GET route could take one.
  const refusesBody = config.request?.body === undefined && config.method !== "get";
  // Only a body declared `required: false`. An upload's, declared with neither (zod-openapi would
  // run both its JSON and its form validator on a required one), is needed.
  const optionalBody = config.request?.body?.required === false;
  return createMiddleware(async (c, next) => {
    const { headers } = c.req.raw;
    if (refusesBody && carriesBody(headers)) {
      throw new Problem(
        415,
        "unsupported-media-type",
        `${config.method.toUpperCase()} /v1${config.path} takes no body: send none`,
      );
    }
    if (optionalBody && headers.has("content-type") && !carriesBody(headers)) {
      const typeless = new Headers(headers);
      typeless.delete("content-type");
      c.req.raw = new Request(c.req.raw, { headers: typeless, body: null });
    }
    await next();
  });
}

function carriesBody(headers: Headers): boolean {
  const length = headers.get("content-length");
  return length === null ? headers.has("transfer-encoding") : Number(length) !== 0;
}
