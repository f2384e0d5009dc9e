/** The API describes itself: an OpenAPI 3.1 document from the zod schemas and a local docs page. */

import { describe, expect, it } from "vitest";
import { bindings, fetchWorker } from "./client";

describe("API documentation", () => {
  it("serves an OpenAPI 3.1 document covering the tenant API with bearer security", async () => {
    const response = await fetchWorker("http://edge/openapi.json");
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe("3.1.0");
    for (const path of [
      "/v1/tenants",
      "/v1/tenants/{tenantId}/keys",
      "/v1/adapters/{adapterId}/samples",
      "/v1/adapters/{adapterId}/train",
      "/v1/jobs/{jobId}/events",
      "/v1/adapters/{adapterId}/versions/{version}/activate",
      "/v1/adapters/{adapterId}/versions/{version}/export",
      "/v1/adapters/{adapterId}/predict",
    ]) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths["/v1/adapters/{adapterId}/predict"]?.post?.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes).toHaveProperty("bearer");
    expect(doc.components.schemas).toHaveProperty("Predictions");
    expect(doc.paths).not.toHaveProperty(["/v1/dev/clone-tenant"]);
  });

  it("has no benchmark seeding route unless DEV_SEEDING is on, even for the admin", async () => {
    const response = await fetchWorker("http://edge/v1/dev/clone-tenant", {
      method: "POST",
      headers: {
        authorization: `Bearer ${bindings.ADMIN_TOKEN}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({
        tenantId: "t_000000000000000000000000",
        adapterId: "a_000000000000000000000000",
        count: 1,
      }),
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
  });

  it("renders it with Swagger UI served from this origin, loading nothing from elsewhere", async () => {
    const response = await fetchWorker("http://edge/docs");
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    expect(html).toContain('<script src="/console/swagger-ui-bundle.js">');
    expect(html).not.toMatch(/(src|href)="https?:/);
    const init = await (await fetchWorker("http://edge/console/docs-init.js")).text();
    expect(init).toContain('url: "/openapi.json"');
    expect((await fetchWorker("http://edge/console/swagger-ui-bundle.js")).status).toBe(200);
  });

  it("serves the console at / and only the console's files of the static assets", async () => {
    const page = await fetchWorker("http://edge/");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/console/app.js">');
    // Model weights are assets too, read by the worker only: no path reaches them.
    for (const path of [
      "/mobilenet-v2/model.json",
      "/console/../mobilenet-v2/model.json",
      "/console/..%2Fmobilenet-v2%2Fmanifest.json",
      "/console/%2e%2e/mobilenet-v2/model.json",
    ]) {
      const response = await fetchWorker(`http://edge${path}`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).toContain("application/problem+json");
    }
  });
});
