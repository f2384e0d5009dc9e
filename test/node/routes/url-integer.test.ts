/**
 * Integers in URLs (`limit`, `topK`, a version in the path) are plain decimal digits: what
 * Number() also reads (hex, exponents, spaces, signs, fractions) is a 422 naming the parameter.
 */

import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { PageQuerySchema } from "../../../src/routes/pagination";
import { PredictQuerySchema } from "../../../src/routes/predict";
import { VersionParams } from "../../../src/routes/versions";
import type { BackbonePool } from "../../../src/runtime/backbones";

const NOT_DECIMAL = ["0x10", " 5", "5 ", "1e2", "+5", "-0", "5.0", "0b11", "", "٥", "\n5"];

describe("integers in URLs", () => {
  it.each(NOT_DECIMAL)("refuses limit %j", (limit) => {
    const parsed = PageQuerySchema.safeParse({ limit });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["limit"]);
  });

  it.each(NOT_DECIMAL)("refuses %j as topK and as a version", (value) => {
    expect(PredictQuerySchema.safeParse({ topK: value }).success).toBe(false);
    expect(VersionParams.safeParse({ adapterId: "a_1", version: value }).success).toBe(false);
  });

  it.each([
    ["1", 1],
    ["05", 5],
    ["200", 200],
  ])("reads %j as %d", (value, number) => {
    expect(PageQuerySchema.parse({ limit: value }).limit).toBe(number);
    expect(VersionParams.parse({ adapterId: "a_1", version: value }).version).toBe(number);
  });

  it("keeps the bounds and the defaults", () => {
    expect(PageQuerySchema.parse({}).limit).toBe(50);
    expect(PredictQuerySchema.parse({}).topK).toBe(3);
    expect(PageQuerySchema.safeParse({ limit: "201" }).success).toBe(false);
    expect(PredictQuerySchema.safeParse({ topK: "21" }).success).toBe(false);
    expect(VersionParams.safeParse({ adapterId: "a_1", version: "0" }).success).toBe(false);
  });

  it("answers a 422 problem that names the parameter and says what it takes", async () => {
    const app = createApp(() => ({}) as BackbonePool);
    const response = await app.request(
      "/v1/tenants?limit=0x10",
      { headers: { authorization: "Bearer admin" } },
      { ADMIN_TOKEN: "admin" },
    );
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe("/problems/invalid-request");
    expect(problem.detail).toBe('limit: a whole number in decimal digits (0-9), got "0x10"');
  });

  it("refuses a query parameter the route does not have, naming it, as the bodies do", async () => {
    const app = createApp(() => ({}) as BackbonePool);
    const response = await app.request(
      "/v1/tenants?limit=5&status=running&limit[]=1",
      { headers: { authorization: "Bearer admin" } },
      { ADMIN_TOKEN: "admin" },
    );
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { detail: string; issues: { path: string }[] };
    expect(problem.issues.map((issue) => issue.path)).toEqual(["status", "limit[]"]);
    expect(problem.detail).toContain("status: not a query parameter of this route");
    expect(PredictQuerySchema.safeParse({ topK: "2", version: "1" }).success).toBe(false);
  });

  it("documents them as integers in the OpenAPI document", async () => {
    const app = createApp(() => ({}) as BackbonePool);
    const document = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { parameters: { name: string; schema: object }[] }>>;
    };
    const parameter = (path: string, method: string, name: string) =>
      document.paths[path]?.[method]?.parameters.find((p) => p.name === name)?.schema;
    expect(parameter("/v1/tenants", "get", "limit")).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 200,
      default: 50,
    });
    expect(parameter("/v1/adapters/{adapterId}/predict", "post", "topK")).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 20,
      default: 3,
    });
    expect(
      parameter("/v1/adapters/{adapterId}/versions/{version}/activate", "post", "version"),
    ).toMatchObject({ type: "integer", minimum: 1 });
  });
});

describe("a query parameter given more than once", () => {
  // It was "limit: Invalid input: expected string, received array".
  it.each([
    ["/v1/tenants?limit=1&limit=2", "limit: given 2 times: give it once"],
    ["/v1/tenants?cursor=a&cursor=b&cursor=c", "cursor: given 3 times: give it once"],
  ])("%s is a 422 saying so", async (url, detail) => {
    const app = createApp(() => ({}) as BackbonePool);
    const response = await app.request(
      url,
      { headers: { authorization: "Bearer admin" } },
      { ADMIN_TOKEN: "admin" },
    );
    expect(response.status).toBe(422);
    expect(((await response.json()) as { detail: string }).detail).toBe(detail);
  });
});
