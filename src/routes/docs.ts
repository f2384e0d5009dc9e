/**
 * The API's OpenAPI 3.1 document at /openapi.json. The /docs page that renders it (Swagger UI, served
 * locally) is a console file: src/routes/console.ts.
 */

import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import { TRAINING_BUDGET } from "../../adapters";
import { LIMITS } from "../limits";
import { TENANT_LIMITS } from "../tenant-limits";
import { withCommonProblems } from "./openapi-problems";
import { PAGE_LIMITS } from "./pagination";

const DESCRIPTION = `Frozen pretrained backbones in WebAssembly with per-tenant adapter heads.

Authentication: admin routes take the deployment's ADMIN_TOKEN, tenant routes a tenant API key, both as
\`Authorization: Bearer <token>\`. Errors are \`application/problem+json\` with a stable \`type\`.

Limits: body ${LIMITS.maxBodyBytes} bytes on the image routes (embed, sample upload, predict),
${LIMITS.maxControlBodyBytes} bytes on every other route; ${TENANT_LIMITS.samplesPerRequest} samples per upload;
${TENANT_LIMITS.inputsPerPrediction} inputs per prediction; ${TENANT_LIMITS.samplesPerAdapter} samples and
${TENANT_LIMITS.labelsPerAdapter} labels per adapter, and at most ${TENANT_LIMITS.trainingValues} training values
(dimension × (samples + ${TRAINING_BUDGET.samplesPerLabel} × labels + ${TRAINING_BUDGET.samplesPerHiddenUnit} × an MLP's hidden units), limit \`trainingValues\`); ${TENANT_LIMITS.adaptersPerTenant} adapters and
${TENANT_LIMITS.keysPerTenant} API keys per tenant; ${TENANT_LIMITS.tenants} tenants. List routes page with
\`limit\` (at most ${PAGE_LIMITS.max}) and \`cursor\` (the previous page's \`nextCursor\`).`;

export function mountDocs<E extends Env>(app: OpenAPIHono<E>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  // Built once per isolate, on the first request (every route is registered by then).
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= withCommonProblems(
      app.getOpenAPI31Document({
        openapi: "3.1.0",
        info: { title: "edge-adapt", version: "1", description: DESCRIPTION },
      }),
    );
    return c.json(document);
  });
}
