/** The authenticated tenant's own settings: whether raw uploads are kept in R2. */

import { OpenAPIHono, z } from "@hono/zod-openapi";
import { unwrap } from "../storage/outcome";
import type { TenantEnv } from "../tenants/context";
import { TenantSchema } from "./admin";
import { tenantRoute } from "./authenticated-route";
import { jsonBody, jsonContent } from "./openapi-parts";
import { problemResponses } from "./problems";

export const TenantSettingsSchema = z
  .strictObject({
    retainRawSamples: z.boolean().openapi({
      description:
        "Keep raw uploads in R2 so samples can be embedded again with another backbone. Applies to later uploads.",
    }),
  })
  .openapi("TenantSettings");

const getTenant = tenantRoute({
  method: "get",
  path: "/tenant",
  tags: ["tenant"],
  summary: "The tenant this API key belongs to",
  responses: { 200: jsonContent(TenantSchema, "The tenant"), ...problemResponses([401]) },
});

const updateTenant = tenantRoute({
  method: "patch",
  path: "/tenant",
  tags: ["tenant"],
  summary: "Change the tenant's settings",
  request: { body: jsonBody(TenantSettingsSchema) },
  responses: {
    200: jsonContent(TenantSchema, "The updated tenant"),
    ...problemResponses([401, 422]),
  },
});

export function tenantRoutes() {
  return new OpenAPIHono<TenantEnv>()
    .openapi(getTenant, (c) => {
      const { store: _, ...tenant } = c.var.tenant;
      return c.json(tenant, 200);
    })
    .openapi(updateTenant, async (c) =>
      c.json(unwrap(await c.var.tenant.store.updateTenant(c.req.valid("json"))), 200),
    );
}
