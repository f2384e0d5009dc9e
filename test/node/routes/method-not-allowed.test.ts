/**
 * A path that exists answers another method with 405 and `Allow` (RFC 9110 §15.5.6); an unknown
 * path stays 404. On the real app in Node (no route here reaches a
 * backbone or a binding), CORS included.
 */

import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import type { BackbonePool } from "../../../src/runtime/backbones";

const app = createApp(() => ({}) as BackbonePool);
const env = { CORS_ORIGINS: "https://app.example" };

function send(method: string, path: string, headers: Record<string, string> = {}) {
  return Promise.resolve(app.request(`http://edge${path}`, { method, headers }, env));
}

describe("a method the path does not take", () => {
  it.each([
    ["PUT", "/v1/adapters", "GET, HEAD, POST"],
    ["DELETE", "/healthz", "GET, HEAD"],
    ["POST", "/v1/adapters/a_1", "GET, HEAD, DELETE"],
    ["PUT", "/v1/tenant", "GET, HEAD, PATCH"],
    ["GET", "/v1/embed", "POST"],
    ["DELETE", "/v1/adapters/a_1/samples/s_1/raw", "GET, HEAD"],
    ["POST", "/openapi.json", "GET, HEAD"],
    ["POST", "/console/app.js", "GET, HEAD"],
  ])("%s %s is 405 with Allow: %s", async (method, path, allow) => {
    const response = await send(method, path);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe(allow);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    const problem = (await response.json()) as { type: string; detail: string };
    expect(problem.type).toBe("/problems/method-not-allowed");
    expect(problem.detail).toBe(`${path} does not take ${method}; it takes ${allow}`);
  });

  it("HEAD on a path without GET is 405 with no body", async () => {
    const response = await send("HEAD", "/v1/embed");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.text()).toBe("");
  });

  it("HEAD on a GET route still answers as GET does", async () => {
    const response = await send("HEAD", "/healthz");
    expect(response.status).toBe(200);
    expect(response.headers.get("allow")).toBeNull();
  });

  it.each([
    ["GET", "/nowhere"],
    ["PUT", "/v1/adapters/a_1/nothing"],
    ["DELETE", "/v1"],
  ])("%s %s (no such path) stays 404, without Allow", async (method, path) => {
    const response = await send(method, path);
    expect(response.status).toBe(404);
    expect(response.headers.get("allow")).toBeNull();
    expect(((await response.json()) as { type: string }).type).toBe("/problems/not-found");
  });
});

describe("the benchmark seeding route", () => {
  it("is a path the API does not have unless DEV_SEEDING is on, whatever the method", async () => {
    for (const method of ["GET", "POST", "DELETE"]) {
      const response = await send(method, "/v1/dev/clone-tenant");
      expect(response.status, method).toBe(404);
      expect(response.headers.get("allow")).toBeNull();
    }
  });

  it("takes only POST when on", async () => {
    const response = await app.request(
      "http://edge/v1/dev/clone-tenant",
      { method: "GET" },
      { ...env, DEV_SEEDING: "on" },
    );
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

describe("OPTIONS", () => {
  it("is a method no route takes, outside a CORS preflight", async () => {
    const response = await send("OPTIONS", "/v1/adapters");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD, POST");
    expect((await send("OPTIONS", "/nowhere")).status).toBe(404);
  });

  it("leaves CORS preflights to the CORS policy", async () => {
    const preflight = (origin: string) =>
      send("OPTIONS", "/v1/adapters", {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization",
      });
    const listed = await preflight("https://app.example");
    expect(listed.status).toBe(204);
    expect(listed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(listed.headers.get("access-control-allow-methods")).toContain("POST");
    expect((await preflight("https://evil.example")).status).toBe(403);
  });
});
