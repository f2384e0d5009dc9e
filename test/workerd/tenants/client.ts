/** The typed hono/client of the tenant API, talking to the worker under test in this isolate. */

import { env, exports } from "cloudflare:workers";
import { hc } from "hono/client";
import type { Bindings } from "../../../src/env";
import type { TenantApi } from "../../../src/routes/tenant-api";

/** The worker's bindings (KV, R2, Durable Objects) as the tests see them. */
export const bindings = env as unknown as Bindings;

const worker = (exports as unknown as { default: { fetch(request: Request): Promise<Response> } })
  .default;

/**
 * Each test file is a client of its own address, as every caller has one on Cloudflare: the rate
 * limits' simulated counts are shared by all files, and one "unknown" address for the whole suite
 * would add up every file's refused keys towards the failed-authentication lockout.
 */
const CLIENT_ADDRESS = `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250)).join(".")}`;

export function fetchWorker(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  if (!request.headers.has("cf-connecting-ip")) {
    request.headers.set("cf-connecting-ip", CLIENT_ADDRESS);
  }
  return worker.fetch(request);
}

export function apiClient(token?: string) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return hc<TenantApi>("http://edge", { fetch: fetchWorker, headers });
}

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * hono/client types a route that takes JSON or multipart as if it needed both bodies; this sends
 * the JSON one only (the client skips an undefined form).
 */
export function jsonOnly<J>(json: J): { json: J; form: never } {
  return { json, form: undefined as never };
}

export const admin = apiClient(bindings.ADMIN_TOKEN);

export interface TestTenant {
  id: string;
  key: string;
  keyId: string;
  api: ApiClient;
}

/** A new tenant with one API key, through the admin routes. */
export async function createTenant(name: string): Promise<TestTenant> {
  const created = await admin.v1.tenants.$post({ json: { name } });
  if (created.status !== 201) throw new Error(`tenant: ${created.status} ${await created.text()}`);
  const tenant = await created.json();
  const issued = await admin.v1.tenants[":tenantId"].keys.$post({ param: { tenantId: tenant.id } });
  if (issued.status !== 201) throw new Error(`key: ${issued.status} ${await issued.text()}`);
  const { key, id: keyId } = await issued.json();
  return { id: tenant.id, key, keyId, api: apiClient(key) };
}

/** Creates an adapter on use-lite and returns its id. */
export async function createTextAdapter(tenant: TestTenant, name = "topics"): Promise<string> {
  const response = await tenant.api.v1.adapters.$post({ json: { name, backbone: "use-lite" } });
  if (response.status !== 201)
    throw new Error(`adapter: ${response.status} ${await response.text()}`);
  return (await response.json()).id;
}

export async function uploadTexts(
  tenant: TestTenant,
  adapterId: string,
  samples: [string, string][],
) {
  return tenant.api.v1.adapters[":adapterId"].samples.$post({
    param: { adapterId },
    query: {},
    ...jsonOnly({ samples: samples.map(([input, label]) => ({ input, label })) }),
  });
}

/** Polls a job until it has finished. */
export async function finishedJob(tenant: TestTenant, jobId: string) {
  for (;;) {
    const response = await tenant.api.v1.jobs[":jobId"].$get({ param: { jobId } });
    const job = await response.json();
    if (!("status" in job)) throw new Error(`job: ${JSON.stringify(job)}`);
    if (job.status !== "queued" && job.status !== "running") return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
