/**
 * Every admin and tenant route under /v1, chained so that its type describes them all: the typed
 * client (`hc<TenantApi>`) is built from it.
 */

import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { adapterRoutes } from "./adapters";
import { adminRoutes } from "./admin";
import { exportRoutes } from "./exports";
import { predictRoutes } from "./predict";
import { sampleRoutes } from "./samples";
import { selectionRoutes } from "./selection";
import { tenantRoutes } from "./tenant";
import { trainingRoutes } from "./training";
import { versionRoutes } from "./versions";

export function tenantApi() {
  return new OpenAPIHono<AppEnv>()
    .route("/v1", adminRoutes())
    .route("/v1", tenantRoutes())
    .route("/v1", adapterRoutes())
    .route("/v1", sampleRoutes())
    .route("/v1", trainingRoutes())
    .route("/v1", selectionRoutes())
    .route("/v1", versionRoutes())
    .route("/v1", exportRoutes())
    .route("/v1", predictRoutes());
}

export type TenantApi = ReturnType<typeof tenantApi>;
