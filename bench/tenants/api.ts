/**
 * The slice of the public API the tenant benchmark drives, over plain fetch from the client side:
 * setup through the same routes a tenant would use, and the two timed calls with their bodies
 * serialised once, so the timings hold the request and nothing the client builds.
 */

import type { Sample } from "./texts";

/** The local admin token from .dev.vars, as `npm start` serves it. */
export const ADMIN_TOKEN = "dev-admin-token";
const SAMPLES_PER_REQUEST = 64;
/** Fewer than the seeding route's most per request, so that each answers within seconds. */
const CLONES_PER_REQUEST = 100;
const JOB_POLL_MS = 50;
/** A GET unanswered for this long is asked again (see `json`). */
const GET_PATIENCE_MS = 30_000;

export interface TenantAdapter {
  readonly tenantId: string;
  readonly key: string;
  readonly adapterId: string;
  /** Seeded tenants only: the same head behind a record that leaves it out (src/routes/dev-seed.ts). */
  readonly separateHeadAdapterId?: string;
}

interface Job {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed";
  version: number | null;
  error: { code: string; detail: string } | null;
}

export interface Prediction {
  version: number;
  predictions: { label: string }[];
}

export class BenchApi {
  constructor(readonly url: string) {}

  /** A new tenant with one API key and an empty use-lite adapter with a logistic head. */
  async createTenantAdapter(name: string): Promise<TenantAdapter> {
    const admin = `Bearer ${ADMIN_TOKEN}`;
    const tenant = await this.json<{ id: string }>("POST", "/v1/tenants", admin, { name });
    const { key } = await this.json<{ key: string }>(
      "POST",
      `/v1/tenants/${tenant.id}/keys`,
      admin,
    );
    const adapter = await this.json<{ id: string }>("POST", "/v1/adapters", `Bearer ${key}`, {
      name: "spam",
      backbone: "use-lite",
      headType: "logistic",
    });
    return { tenantId: tenant.id, key, adapterId: adapter.id };
  }

  /** Uploads in requests of at most the per-request limit; returns how many were stored as new. */
  async upload(target: TenantAdapter, samples: readonly Sample[]): Promise<number> {
    let added = 0;
    for (let start = 0; start < samples.length; start += SAMPLES_PER_REQUEST) {
      const batch = samples.slice(start, start + SAMPLES_PER_REQUEST);
      const result = await this.json<{ added: number }>(
        "POST",
        `/v1/adapters/${target.adapterId}/samples`,
        `Bearer ${target.key}`,
        { samples: batch },
      );
      added += result.added;
    }
    return added;
  }

  /** Starts a training job and returns the head version it wrote once it has succeeded. */
  async train(target: TenantAdapter, request: { seed?: number } = {}): Promise<number> {
    const auth = `Bearer ${target.key}`;
    let job = await this.json<Job>("POST", `/v1/adapters/${target.adapterId}/train`, auth, request);
    while (job.status === "queued" || job.status === "running") {
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
      job = await this.json<Job>("GET", `/v1/jobs/${job.id}`, auth);
    }
    if (job.status === "failed" || job.version === null) {
      throw new Error(`training job ${job.id} failed: ${JSON.stringify(job.error)}`);
    }
    return job.version;
  }

  /**
   * `count` tenants that exist only as copies of `template`'s serving records and head in KV
   * (src/routes/dev-seed.ts): what a prediction reads, without the setup a real tenant takes.
   */
  async cloneTenants(template: TenantAdapter, count: number): Promise<TenantAdapter[]> {
    const clones: TenantAdapter[] = [];
    for (let done = 0; done < count; done += CLONES_PER_REQUEST) {
      const batch = {
        tenantId: template.tenantId,
        adapterId: template.adapterId,
        count: Math.min(CLONES_PER_REQUEST, count - done),
      };
      clones.push(...(await this.seedingRequest(batch)));
    }
    return clones;
  }

  /**
   * wrangler's dev proxy answers a POST whose hop failed with 503 (README, "npm start answers 503"):
   * a seeding request is asked again then (a lost batch only leaves unused copies in KV).
   */
  private async seedingRequest(batch: object, attempts = 3): Promise<TenantAdapter[]> {
    try {
      const path = "/v1/dev/clone-tenant";
      const answer = await this.json<{ clones: TenantAdapter[] }>(
        "POST",
        path,
        `Bearer ${ADMIN_TOKEN}`,
        batch,
      );
      return answer.clones;
    } catch (error) {
      if (attempts <= 1 || !String(error).includes(": 503 ")) throw error;
      return this.seedingRequest(batch, attempts - 1);
    }
  }

  /** A prediction call for `input`, ready to be timed; it throws on anything but 200. */
  predictor(target: TenantAdapter, input: string): () => Promise<Prediction> {
    const body = JSON.stringify({ inputs: [input] });
    const headers = { "content-type": "application/json", authorization: `Bearer ${target.key}` };
    const url = `${this.url}/v1/adapters/${target.adapterId}/predict`;
    return async () => (await ok(fetch(url, { method: "POST", headers, body }))).json();
  }

  /** A bare `/v1/embed` call for `input` on the adapters' backbone, ready to be timed. */
  embedder(input: string): () => Promise<void> {
    const body = JSON.stringify({ backbone: "use-lite", inputs: [input] });
    const headers = { "content-type": "application/json" };
    const url = `${this.url}/v1/embed`;
    return async () => {
      await (await ok(fetch(url, { method: "POST", headers, body }))).arrayBuffer();
    };
  }

  /** Any call of the API as JSON; it throws on anything but 2xx. */
  async json<T>(method: string, path: string, auth: string, body?: unknown): Promise<T> {
    const isGet = method === "GET";
    try {
      const response = await ok(
        fetch(`${this.url}${path}`, {
          method,
          headers: { authorization: auth, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          ...(isGet ? { signal: AbortSignal.timeout(GET_PATIENCE_MS) } : {}),
        }),
      );
      return (await response.json()) as T;
    } catch (error) {
      // wrangler 4.86.0's dev proxy parks a GET whose connection dropped until another request
      // comes in (README, "npm start answers 503"): asking again is that request.
      if (isGet && error instanceof DOMException && error.name === "TimeoutError") {
        return this.json(method, path, auth, body);
      }
      throw error;
    }
  }
}

async function ok(pending: Promise<Response>): Promise<Response> {
  const response = await pending;
  if (!response.ok) {
    throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
  }
  return response;
}
