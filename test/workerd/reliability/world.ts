/**
 * The state the reliability tests attack: two tenants, each with a trained text adapter on the
 * `lexical` backbone (fast, no weights to load), a revoked key and a deleted tenant's key, and a
 * snapshot of everything a bad request could change.
 */

import { expect } from "vitest";
import {
  admin,
  createTenant,
  fetchWorker,
  finishedJob,
  type TestTenant,
  uploadTexts,
} from "../tenants/client";
import { COOKING, labelled, WEATHER } from "../tenants/texts";

export interface WorldTenant extends TestTenant {
  adapterId: string;
  sampleId: string;
  jobId: string;
}

export interface World {
  alice: WorldTenant;
  bob: WorldTenant;
  /** Alice's key, revoked. */
  revokedKey: string;
  /** The key of a tenant deleted since. */
  deletedTenantKey: string;
  adminToken: string;
}

/** A tenant with a trained lexical adapter (two labels, six samples each). */
export async function trainedTenant(name: string): Promise<WorldTenant> {
  const tenant = await createTenant(name);
  const created = await tenant.api.v1.adapters.$post({
    json: { name: `${name} topics`, backbone: "lexical", headType: "prototype" },
  });
  expect(created.status).toBe(201);
  const adapterId = (await created.json()).id;
  const uploaded = await uploadTexts(tenant, adapterId, [
    ...labelled(WEATHER, "weather"),
    ...labelled(COOKING, "cooking"),
  ]);
  expect(uploaded.status).toBe(201);
  const sampleId = ((await uploaded.json()) as { samples: { id: string }[] }).samples[0]?.id;
  const trained = await tenant.api.v1.adapters[":adapterId"].train.$post({
    param: { adapterId },
    json: {},
  });
  expect(trained.status).toBe(202);
  const job = await finishedJob(tenant, (await trained.json()).id);
  expect(job.status).toBe("succeeded");
  return { ...tenant, adapterId, sampleId: sampleId as string, jobId: job.id };
}

export async function buildWorld(adminToken: string): Promise<World> {
  const [alice, bob, leaving] = await Promise.all([
    trainedTenant("alice"),
    trainedTenant("bob"),
    createTenant("leaving"),
  ]);
  const spare = await admin.v1.tenants[":tenantId"].keys.$post({ param: { tenantId: alice.id } });
  const issued = await spare.json();
  await admin.v1.tenants[":tenantId"].keys[":keyId"].$delete({
    param: { tenantId: alice.id, keyId: issued.id },
  });
  await admin.v1.tenants[":tenantId"].$delete({ param: { tenantId: leaving.id } });
  return { alice, bob, revokedKey: issued.key, deletedTenantKey: leaving.key, adminToken };
}

async function getJson(path: string, token: string): Promise<unknown> {
  const response = await fetchWorker(`http://edge${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(response.status, path).toBe(200);
  return response.json();
}

/**
 * Everything a request could change of a tenant: the tenant, its keys, adapters (with their
 * active version), sample counts, versions and jobs.
 */
export async function tenantState(tenant: WorldTenant, adminToken: string) {
  const adapters = (await getJson("/v1/adapters?limit=200", tenant.key)) as {
    adapters: { id: string }[];
  };
  const perAdapter = await Promise.all(
    adapters.adapters.map(async ({ id }) => ({
      samples: await getJson(`/v1/adapters/${id}/samples`, tenant.key),
      versions: await getJson(`/v1/adapters/${id}/versions?limit=200`, tenant.key),
      jobs: await getJson(`/v1/adapters/${id}/jobs`, tenant.key),
    })),
  );
  return {
    tenant: await getJson("/v1/tenant", tenant.key),
    keys: await getJson(`/v1/tenants/${tenant.id}/keys?limit=200`, adminToken),
    adapters,
    perAdapter,
  };
}

/** The whole deployment as the admin and both tenants see it. */
export async function worldState(world: World) {
  return {
    tenants: await getJson("/v1/tenants?limit=200", world.adminToken),
    alice: await tenantState(world.alice, world.adminToken),
    bob: await tenantState(world.bob, world.adminToken),
  };
}

/** A non-2xx answer must be a complete problem document. */
export async function expectProblem(response: Response, context: string): Promise<void> {
  expect(response.status, context).toBeLessThan(500);
  if (response.ok) return;
  expect(response.headers.get("content-type"), context).toBe("application/problem+json");
  const problem = (await response.json()) as Record<string, unknown>;
  expect(typeof problem.type, context).toBe("string");
  expect(typeof problem.title, context).toBe("string");
  expect(problem.status, context).toBe(response.status);
  expect(typeof problem.detail, context).toBe("string");
}
