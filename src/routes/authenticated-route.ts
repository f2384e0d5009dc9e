/**
 * Routes behind a bearer token: the OpenAPI security scheme and the middleware that checks the
 * token, declared once for every route a tenant key or the admin token opens.
 */

import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import { adminAuth, tenantAuth } from "../tenants/auth";
import { BEARER } from "./openapi-parts";

type OpenRouteConfig = Omit<RouteConfig, "security" | "middleware">;

/** A route a tenant's API key opens (`c.var.tenant` is that tenant). */
export function tenantRoute<const R extends OpenRouteConfig>(config: R) {
  return createRoute({ ...config, security: BEARER, middleware: [tenantAuth] as const });
}

/** A route only the admin token opens. */
export function adminRoute<const R extends OpenRouteConfig>(config: R) {
  return createRoute({ ...config, security: BEARER, middleware: [adminAuth] as const });
}
