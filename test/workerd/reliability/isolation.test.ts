/**
 * The isolation matrix: every tenant route called with another tenant's ids, and with no key, a
 * malformed, altered, forged, revoked or deleted tenant's key. Nothing is read across tenants
 * (no response names the other tenant's data) and nothing is written (its state is unchanged).
 */

import { beforeAll, describe, expect, it } from "vitest";
import { bindings, fetchWorker } from "../tenants/client";
import { buildWorld, expectProblem, tenantState, type World } from "./world";

let world: World;
let bobBefore: Awaited<ReturnType<typeof tenantState>>;
let aliceBefore: Awaited<ReturnType<typeof tenantState>>;

beforeAll(async () => {
  world = await buildWorld(bindings.ADMIN_TOKEN);
  [bobBefore, aliceBefore] = await Promise.all([
    tenantState(world.bob, world.adminToken),
    tenantState(world.alice, world.adminToken),
  ]);
});

/** Every tenant route; `{a}`, `{s}`, `{j}` are filled with the victim's ids. */
const ROUTES: [string, string, unknown?][] = [
  ["GET", "/v1/tenant"],
  ["PATCH", "/v1/tenant", { retainRawSamples: false }],
  ["POST", "/v1/adapters", { name: "intruder", backbone: "lexical" }],
  ["GET", "/v1/adapters"],
  ["GET", "/v1/adapters/{a}"],
  ["DELETE", "/v1/adapters/{a}"],
  ["POST", "/v1/adapters/{a}/samples", { samples: [{ input: "stolen text", label: "weather" }] }],
  ["GET", "/v1/adapters/{a}/samples"],
  ["DELETE", "/v1/adapters/{a}/samples?label=weather"],
  ["DELETE", "/v1/adapters/{a}/samples/{s}"],
  ["POST", "/v1/adapters/{a}/train", {}],
  ["GET", "/v1/adapters/{a}/jobs"],
  ["GET", "/v1/jobs/{j}"],
  ["GET", "/v1/jobs/{j}/events"],
  ["GET", "/v1/adapters/{a}/versions"],
  ["GET", "/v1/adapters/{a}/versions/1"],
  ["POST", "/v1/adapters/{a}/versions/1/activate"],
  ["POST", "/v1/adapters/{a}/predict", { inputs: ["sunny and warm"] }],
  ["POST", "/v1/adapters/{a}/select", {}],
  ["POST", "/v1/adapters/{a}/select/apply", { backbone: "use-lite" }],
  // Admin routes, which no tenant key opens.
  ["GET", "/v1/tenants"],
  ["GET", "/v1/tenants/{t}"],
  ["POST", "/v1/tenants/{t}/keys"],
  ["GET", "/v1/tenants/{t}/keys"],
  ["DELETE", "/v1/tenants/{t}"],
];

function victimPath(template: string): string {
  const { bob } = world;
  return template
    .replace("{a}", bob.adapterId)
    .replace("{s}", bob.sampleId)
    .replace("{j}", bob.jobId)
    .replace("{t}", bob.id);
}

type Credential = [name: string, header: () => string | undefined, status: number];

const CREDENTIALS: Credential[] = [
  ["no key", () => undefined, 401],
  ["a malformed key", () => "Bearer eak_not-a-key", 401],
  ["Bob's key with one character changed", () => `Bearer ${altered(world.bob.key)}`, 401],
  [
    "Alice's secret under Bob's tenant id",
    () => `Bearer ${world.alice.key.replace(world.alice.id, world.bob.id)}`,
    401,
  ],
  ["a revoked key", () => `Bearer ${world.revokedKey}`, 401],
  ["a deleted tenant's key", () => `Bearer ${world.deletedTenantKey}`, 401],
];

function altered(key: string): string {
  return `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
}

async function call(
  method: string,
  path: string,
  authorization: string | undefined,
  body?: unknown,
  clientAddress?: string,
) {
  const headers: Record<string, string> = {};
  if (clientAddress) headers["cf-connecting-ip"] = clientAddress;
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetchWorker(`http://edge${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** What of Bob's must never appear in an answer to anyone else (ids asked for aside). */
function bobSecrets(path: string): string[] {
  const { bob } = world;
  return ["bob topics", bob.id, bob.adapterId, bob.sampleId, bob.jobId, bob.key.slice(-43)].filter(
    (secret) => !path.includes(secret),
  );
}

describe("isolation", () => {
  it("Alice's key on Bob's ids: 404 (or 401 on admin routes), and nothing of Bob's in the answer", async () => {
    for (const [method, template, body] of ROUTES.filter(([, path]) => path.includes("{"))) {
      const path = victimPath(template);
      const response = await call(method, path, `Bearer ${world.alice.key}`, body);
      const context = `${method} ${template}`;
      expect(response.status, context).toBe(template.startsWith("/v1/tenants") ? 401 : 404);
      const text = await response.clone().text();
      for (const secret of bobSecrets(path)) expect(text, context).not.toContain(secret);
      await expectProblem(response, context);
    }
  });

  it.each(CREDENTIALS)("%s: 401 on every route", async (name, header, status) => {
    // Each credential from an address of its own: one address sending every wrong key to every
    // route would be locked out (429) by the failed-authentication limit (abuse-limits.test.ts)
    // before its last routes were checked.
    const from = `198.18.${CREDENTIALS.findIndex(([n]) => n === name)}.1`;
    for (const [method, template, body] of ROUTES) {
      const path = victimPath(template);
      const response = await call(method, path, header(), body, from);
      const context = `${method} ${template}`;
      expect(response.status, context).toBe(status);
      const text = await response.clone().text();
      for (const secret of bobSecrets(path)) expect(text, context).not.toContain(secret);
      await expectProblem(response, context);
    }
  });

  it("left both tenants exactly as they were", async () => {
    expect(await tenantState(world.bob, world.adminToken)).toEqual(bobBefore);
    expect(await tenantState(world.alice, world.adminToken)).toEqual(aliceBefore);
  });
});
