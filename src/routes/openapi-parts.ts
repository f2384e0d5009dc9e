/** OpenAPI pieces shared by the tenant and admin routes: security, path parameters, JSON bodies. */

import { z } from "@hono/zod-openapi";

/** Both the admin token and tenant API keys are bearer tokens (the `bearer` security scheme). */
export const BEARER = [{ bearer: [] }];

export const TenantIdParams = z.object({
  tenantId: z
    .string()
    .regex(/^t_[0-9a-f]{24}$/, "a tenant id (t_ and 24 hex digits)")
    .openapi({ param: { name: "tenantId", in: "path" }, example: "t_0123456789abcdef01234567" }),
});

export const AdapterIdParams = z.object({
  adapterId: z
    .string()
    .openapi({ param: { name: "adapterId", in: "path" }, example: "a_0123456789abcdef01234567" }),
});

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { "application/json": { schema } }, required: true };
}
