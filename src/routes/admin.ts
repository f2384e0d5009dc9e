/** Admin routes (ADMIN_TOKEN): create, list and delete tenants; issue and revoke their API keys. */

import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { echoId, Problem } from "../problem";
import { now } from "../storage/clock";
import { newId } from "../storage/ids";
import { unwrap } from "../storage/outcome";
import { issueApiKey } from "../tenants/keys";
import { registryStore, tenantStore } from "../tenants/stores";
import { adminRoute } from "./authenticated-route";
import { locate } from "./locations";
import { jsonBody, jsonContent, TenantIdParams } from "./openapi-parts";
import {
  createdOrderPage,
  createdPosition,
  NextCursorSchema,
  type PagedList,
  PageQuerySchema,
  pageOf,
} from "./pagination";
import { problemResponses } from "./problems";
import { REQUEST_BOUNDS } from "./request-bounds";
import { textField } from "./text-fields";

export const TenantSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    retainRawSamples: z
      .boolean()
      .openapi({ description: "Keep raw uploads in R2 (for re-embedding)." }),
    createdAt: z.string(),
  })
  .openapi("Tenant");

const TenantSummarySchema = TenantSchema.pick({ id: true, name: true, createdAt: true }).openapi(
  "TenantSummary",
);

export const NewTenantSchema = z
  .strictObject({
    name: textField(REQUEST_BOUNDS.nameLength),
    retainRawSamples: z.boolean().default(true),
  })
  .openapi("NewTenant");

const KeySchema = z
  .object({
    id: z.string(),
    hint: z.string().openapi({ description: "The key's first characters." }),
    createdAt: z.string(),
  })
  .openapi("ApiKey");

const IssuedKeySchema = KeySchema.extend({
  key: z
    .string()
    .openapi({ description: "The API key. It is shown only this once; only its hash is stored." }),
}).openapi("IssuedApiKey");

const KeyParams = TenantIdParams.extend({
  keyId: z.string().openapi({ param: { name: "keyId", in: "path" } }),
});

const createTenant = adminRoute({
  method: "post",
  path: "/tenants",
  tags: ["admin"],
  summary: "Create a tenant",
  request: { body: jsonBody(NewTenantSchema) },
  responses: { 201: jsonContent(TenantSchema, "The new tenant"), ...problemResponses([401, 422]) },
});

const listTenants = adminRoute({
  method: "get",
  path: "/tenants",
  tags: ["admin"],
  summary: "List tenants",
  request: { query: PageQuerySchema },
  responses: {
    200: jsonContent(
      z.object({ tenants: z.array(TenantSummarySchema), nextCursor: NextCursorSchema }),
      "Tenants, oldest first",
    ),
    ...problemResponses([401]),
  },
});

const getTenant = adminRoute({
  method: "get",
  path: "/tenants/{tenantId}",
  tags: ["admin"],
  summary: "Inspect a tenant",
  request: { params: TenantIdParams },
  responses: { 200: jsonContent(TenantSchema, "The tenant"), ...problemResponses([401, 404]) },
});

const deleteTenant = adminRoute({
  method: "delete",
  path: "/tenants/{tenantId}",
  tags: ["admin"],
  summary: "Delete a tenant with all its adapters, samples, heads and keys",
  request: { params: TenantIdParams },
  responses: { 204: { description: "Deleted" }, ...problemResponses([401, 404]) },
});

const issueKey = adminRoute({
  method: "post",
  path: "/tenants/{tenantId}/keys",
  tags: ["admin"],
  summary: "Issue an API key for a tenant (shown once)",
  request: { params: TenantIdParams },
  responses: {
    201: jsonContent(IssuedKeySchema, "The new key"),
    ...problemResponses([401, 404, 422]),
  },
});

const listKeys = adminRoute({
  method: "get",
  path: "/tenants/{tenantId}/keys",
  tags: ["admin"],
  summary: "List a tenant's API keys (hints only)",
  request: { params: TenantIdParams, query: PageQuerySchema },
  responses: {
    200: jsonContent(z.object({ keys: z.array(KeySchema), nextCursor: NextCursorSchema }), "Keys"),
    ...problemResponses([401, 404]),
  },
});

const revokeKey = adminRoute({
  method: "delete",
  path: "/tenants/{tenantId}/keys/{keyId}",
  tags: ["admin"],
  summary: "Revoke an API key; it stops working at once",
  request: { params: KeyParams },
  responses: { 204: { description: "Revoked" }, ...problemResponses([401, 404]) },
});

export function adminRoutes() {
  return new OpenAPIHono<AppEnv>()
    .openapi(createTenant, async (c) => {
      const body = c.req.valid("json");
      const tenant = { id: newId("t"), ...body, createdAt: now() };
      // The registry first: it refuses a tenant over the cap before any tenant object exists.
      unwrap(await registryStore(c.env).registerTenant(tenant));
      await tenantStore(c.env, tenant.id).createTenant(tenant);
      return c.json(locate(c, "tenant", tenant), 201);
    })
    .openapi(listTenants, async (c) => {
      const query = c.req.valid("query");
      const list: PagedList = ["tenants"];
      const tenants = await registryStore(c.env).listTenants(createdOrderPage(list, query));
      const page = pageOf(list, tenants, query.limit, createdPosition);
      return c.json({ tenants: page.items, nextCursor: page.nextCursor }, 200);
    })
    .openapi(getTenant, async (c) => {
      const { tenantId } = c.req.valid("param");
      return c.json(unwrap(await tenantStore(c.env, tenantId).getTenant()), 200);
    })
    .openapi(deleteTenant, async (c) => {
      const { tenantId } = c.req.valid("param");
      if (!(await registryStore(c.env).unregisterTenant(tenantId))) throw tenantNotFound(tenantId);
      await tenantStore(c.env, tenantId).deleteTenant();
      return c.body(null, 204);
    })
    .openapi(issueKey, async (c) => {
      const { tenantId } = c.req.valid("param");
      const { key, hash, hint } = await issueApiKey(tenantId);
      const record = unwrap(await tenantStore(c.env, tenantId).issueKey(hash, hint));
      return c.json({ ...record, key }, 201);
    })
    .openapi(listKeys, async (c) => {
      const { tenantId } = c.req.valid("param");
      const query = c.req.valid("query");
      const list: PagedList = ["keys", tenantId];
      const keys = unwrap(
        await tenantStore(c.env, tenantId).listKeys(createdOrderPage(list, query)),
      );
      const page = pageOf(list, keys, query.limit, createdPosition);
      return c.json({ keys: page.items, nextCursor: page.nextCursor }, 200);
    })
    .openapi(revokeKey, async (c) => {
      const { tenantId, keyId } = c.req.valid("param");
      unwrap(await tenantStore(c.env, tenantId).revokeKey(keyId));
      return c.body(null, 204);
    });
}

function tenantNotFound(tenantId: string) {
  return new Problem(404, "tenant-not-found", `no tenant ${echoId(tenantId)}`);
}
