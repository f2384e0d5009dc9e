/**
 * The OpenAPI document lists, on every operation, the problems any route may answer (a malformed
 * request, its body limit, a body it does not take; with a credential, 401 and 429; with inputs,
 * 422) besides those its route lists itself; and the routes that start a job declare their
 * Idempotency-Key header.
 */

import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import type { BackbonePool } from "../../../src/runtime/backbones";

type Operation = {
  security?: unknown[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, { description: string }>;
};

async function operations() {
  const app = createApp(() => ({}) as BackbonePool);
  const document = (await (await app.request("/openapi.json")).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
}

describe("the problems every operation documents", () => {
  it("lists 400, 413 and 415 everywhere, and 401 and 429 where a bearer token is needed", async () => {
    const all = await operations();
    expect(all.length).toBeGreaterThan(20);
    for (const { path, method, operation } of all) {
      const statuses = Object.keys(operation.responses);
      expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["400", "413", "415"]));
      if (operation.security?.length) {
        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["401", "429"]));
      }
    }
  });

  it("adds 422 to a list route's limit and cursor, and keeps a route's own entries", async () => {
    const all = await operations();
    const find = (path: string, method: string) =>
      all.find((o) => o.path === path && o.method === method)?.operation;
    expect(Object.keys(find("/v1/tenants", "get")?.responses ?? {})).toContain("422");
    const predict = find("/v1/adapters/{adapterId}/predict", "post");
    expect(predict?.responses["409"]?.description).toBe("Conflict");
    expect(predict?.responses["503"]).toBeDefined();
  });
});

describe("the Idempotency-Key header", () => {
  it("is a header parameter of exactly the routes that start a job", async () => {
    const declaring = (await operations())
      .filter(({ operation }) =>
        operation.parameters?.some((p) => p.name === "Idempotency-Key" && p.in === "header"),
      )
      .map(({ path, method }) => `${method} ${path}`);
    expect(declaring.sort()).toEqual([
      "post /v1/adapters/{adapterId}/select",
      "post /v1/adapters/{adapterId}/select/apply",
      "post /v1/adapters/{adapterId}/train",
    ]);
  });
});
