/**
 * The API's documentation, served by the worker itself: the OpenAPI 3.1 document at /openapi.json
 * and a small page at /docs that renders it (no CDN, no external script).
 */

import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import { LIMITS } from "../limits";
import { TENANT_LIMITS } from "../tenants/limits";
import { PAGE_LIMITS } from "./pagination";

const DESCRIPTION = `Frozen pretrained backbones in WebAssembly with per-tenant adapter heads.

Authentication: admin routes take the deployment's ADMIN_TOKEN, tenant routes a tenant API key, both as
\`Authorization: Bearer <token>\`. Errors are \`application/problem+json\` with a stable \`type\`.

Limits: body ${LIMITS.maxBodyBytes} bytes on the image routes (embed, sample upload, predict),
${LIMITS.maxControlBodyBytes} bytes on every other route; ${TENANT_LIMITS.samplesPerRequest} samples per upload;
${TENANT_LIMITS.inputsPerPrediction} inputs per prediction; ${TENANT_LIMITS.samplesPerAdapter} samples and
${TENANT_LIMITS.labelsPerAdapter} labels per adapter; ${TENANT_LIMITS.adaptersPerTenant} adapters and
${TENANT_LIMITS.keysPerTenant} API keys per tenant; ${TENANT_LIMITS.tenants} tenants. List routes page with
\`limit\` (at most ${PAGE_LIMITS.max}) and \`cursor\` (the previous page's \`nextCursor\`).`;

export function mountDocs<E extends Env>(app: OpenAPIHono<E>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "edge-adapt", version: "1", description: DESCRIPTION },
  });
  // The page's inline script and style run by the CSP nonce of src/routes/security-headers.ts.
  app.get("/docs", (c) => c.html(docsPage(c.get("secureHeadersNonce") ?? "")));
}

/** Fetches /openapi.json and lists every operation with its parameters, bodies and responses. */
const docsPage = (nonce: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>edge-adapt API</title>
<style nonce="${nonce}">
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
  details { border: 1px solid #ddd; border-radius: 6px; margin: .5rem 0; padding: .5rem .8rem; }
  summary { cursor: pointer; }
  .method { display: inline-block; width: 4.5rem; font-weight: 700; text-transform: uppercase; }
  code, pre { background: #f5f5f5; border-radius: 4px; }
  pre { padding: .6rem; overflow-x: auto; font-size: 13px; }
</style>
</head>
<body>
<h1>edge-adapt API</h1>
<p>The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<div id="intro"></div>
<div id="operations">Loading…</div>
<script type="module" nonce="${nonce}">
  const doc = await (await fetch("/openapi.json")).json();
  const text = (value) => String(value ?? "").replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]);
  const json = (value) => "<pre>" + text(JSON.stringify(value, null, 2)) + "</pre>";
  document.getElementById("intro").innerHTML = "<pre>" + text(doc.info.description) + "</pre>";
  const rows = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const body = op.requestBody ? "<h4>Body</h4>" + json(op.requestBody.content) : "";
      const params = op.parameters ? "<h4>Parameters</h4>" + json(op.parameters) : "";
      const responses = "<h4>Responses</h4>" + json(op.responses);
      rows.push("<details><summary><span class=method>" + method + "</span><code>" + text(path) +
        "</code> " + text(op.summary) + "</summary>" + params + body + responses + "</details>");
    }
  }
  document.getElementById("operations").innerHTML = rows.join("") +
    "<h2>Schemas</h2>" + json(doc.components?.schemas ?? {});
</script>
</body>
</html>`;
