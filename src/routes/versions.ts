/** Head versions: every training writes one; any of them can be made active again (rollback). */

import { OpenAPIHono, z } from "@hono/zod-openapi";
import { unwrap } from "../storage/outcome";
import type { TenantEnv } from "../tenants/context";
import { HeadTypeSchema } from "./adapters";
import { tenantRoute } from "./authenticated-route";
import { AdapterIdParams, jsonContent } from "./openapi-parts";
import {
  NextCursorSchema,
  numberedPage,
  type PagedList,
  PageQuerySchema,
  pageAfter,
} from "./pagination";
import { problemResponses } from "./problems";
import { TrainingReportSchema } from "./training-report-schema";
import { urlInteger } from "./url-integer";

const VersionSchema = z
  .object({
    adapterId: z.string(),
    version: z.int(),
    jobId: z.string(),
    binding: z
      .object({ backbone: z.string(), weightsHash: z.string(), layer: z.string().nullable() })
      .openapi({ description: "The backbone (weights and cut layer) the head was trained on." }),
    headType: HeadTypeSchema,
    headKey: z.string().openapi({ description: "The immutable KV key of the serialized head." }),
    headBytes: z.int(),
    active: z.boolean(),
    report: TrainingReportSchema.openapi({
      description:
        "The training report: the evaluation protocol, held-out estimates with 95 % intervals, confusion matrix, calibration, sweep, abstain threshold.",
    }),
    createdAt: z.string(),
  })
  .openapi("HeadVersion");

export const VersionParams = AdapterIdParams.extend({
  version: urlInteger({ min: 1 }).openapi({ param: { name: "version", in: "path" }, example: 1 }),
});

const listVersions = tenantRoute({
  method: "get",
  path: "/adapters/{adapterId}/versions",
  tags: ["versions"],
  summary:
    "The adapter's head versions with their reports, newest first; a page holds at most 4 MiB of reports",
  request: { params: AdapterIdParams, query: PageQuerySchema },
  responses: {
    200: jsonContent(
      z.object({ versions: z.array(VersionSchema), nextCursor: NextCursorSchema }),
      "Versions",
    ),
    ...problemResponses([401, 404]),
  },
});

const getVersion = tenantRoute({
  method: "get",
  path: "/adapters/{adapterId}/versions/{version}",
  tags: ["versions"],
  summary: "One head version with its report",
  request: { params: VersionParams },
  responses: { 200: jsonContent(VersionSchema, "The version"), ...problemResponses([401, 404]) },
});

const activateVersion = tenantRoute({
  method: "post",
  path: "/adapters/{adapterId}/versions/{version}/activate",
  tags: ["versions"],
  summary:
    "Make a version active (roll back or forward); the next prediction uses it. A version trained on another backbone than the adapter's is refused (409) until the adapter is switched back",
  request: { params: VersionParams },
  responses: {
    200: jsonContent(VersionSchema, "The now active version"),
    ...problemResponses([401, 404, 409, 422]),
  },
});

export function versionRoutes() {
  return new OpenAPIHono<TenantEnv>()
    .openapi(listVersions, async (c) => {
      const { adapterId } = c.req.valid("param");
      const query = c.req.valid("query");
      const list: PagedList = ["versions", c.var.tenant.id, adapterId];
      const { versions, more } = unwrap(
        await c.var.tenant.store.listVersions(adapterId, numberedPage(list, query)),
      );
      const page = pageAfter(list, versions, more, (version) => version.version);
      return c.json({ versions: page.items, nextCursor: page.nextCursor }, 200);
    })
    .openapi(getVersion, async (c) => {
      const { adapterId, version } = c.req.valid("param");
      return c.json(unwrap(await c.var.tenant.store.getVersion(adapterId, version)), 200);
    })
    .openapi(activateVersion, async (c) => {
      const { adapterId, version } = c.req.valid("param");
      return c.json(unwrap(await c.var.tenant.store.activateVersion(adapterId, version)), 200);
    });
}
