/**
 * Concurrency on one tenant's object: parallel uploads that repeat each other store each distinct
 * input once, concurrent training requests on one adapter queue exactly one job, and an upload
 * that loses the race with its adapter's or its tenant's deletion gets a 404 and leaves nothing
 * behind.
 */

import { beforeAll, describe, expect, it } from "vitest";
import { lexical } from "../../../models/lexical";
import { BackbonePool } from "../../../src/runtime/backbones";
import { workerdHost } from "../../../src/runtime/workerd";
import { unwrap } from "../../../src/storage/outcome";
import { rawAdapterPrefix } from "../../../src/storage/raw-samples";
import { storeSamples } from "../../../src/tenants/samples";
import { tenantStore } from "../../../src/tenants/stores";
import {
  bindings,
  createTenant,
  fetchWorker,
  finishedJob,
  jsonOnly,
  type TestTenant,
} from "../tenants/client";
import { COOKING, WEATHER } from "../tenants/texts";

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await createTenant("busy");
});

async function lexicalAdapter(name: string): Promise<string> {
  const created = await tenant.api.v1.adapters.$post({
    json: { name, backbone: "lexical", headType: "prototype" },
  });
  expect(created.status).toBe(201);
  return (await created.json()).id;
}

function upload(adapterId: string, samples: { input: string; label: string }[]) {
  return tenant.api.v1.adapters[":adapterId"].samples.$post({
    param: { adapterId },
    query: {},
    ...jsonOnly({ samples }),
  });
}

describe("concurrency", () => {
  it("24 parallel uploads with duplicates store exactly the distinct inputs", async () => {
    const adapterId = await lexicalAdapter("uploads");
    const texts = [...WEATHER, ...COOKING].map((input, i) => ({
      input,
      label: i < WEATHER.length ? "weather" : "cooking",
    }));
    // Each upload takes 4 of the 12 texts, overlapping its neighbours', one repeated inside it.
    const uploads = Array.from({ length: 24 }, (_, i) => {
      const chosen = [0, 1, 2].map((k) => texts[(i + k * 5) % texts.length] as (typeof texts)[0]);
      return [...chosen, chosen[0] as (typeof texts)[0]];
    });
    const responses = await Promise.all(uploads.map((samples) => upload(adapterId, samples)));
    const results = await Promise.all(
      responses.map(async (response) => {
        expect(response.status).toBe(201);
        return (await response.json()) as {
          added: number;
          samples: { id: string; status: string }[];
        };
      }),
    );
    const added = results.reduce((sum, result) => sum + result.added, 0);
    const ids = new Set(results.flatMap((result) => result.samples.map((sample) => sample.id)));
    expect(added).toBe(texts.length);
    expect(ids.size).toBe(texts.length);
    const counts = await tenant.api.v1.adapters[":adapterId"].samples.$get({
      param: { adapterId },
      query: {},
    });
    expect(await counts.json()).toMatchObject({
      total: 12,
      labels: [
        { label: "cooking", count: 6 },
        { label: "weather", count: 6 },
      ],
    });
  });

  it("8 concurrent training requests on one adapter: exactly one 202, the others 409", async () => {
    const adapterId = await lexicalAdapter("trainings");
    const stored = await upload(adapterId, [
      ...WEATHER.map((input) => ({ input, label: "weather" })),
      ...COOKING.map((input) => ({ input, label: "cooking" })),
    ]);
    expect(stored.status).toBe(201);
    const train = (seed: number) =>
      fetchWorker(`http://edge/v1/adapters/${adapterId}/train`, {
        method: "POST",
        headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
        body: JSON.stringify({ seed }),
      });
    const responses = await Promise.all(Array.from({ length: 8 }, (_, seed) => train(seed)));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([202, 409, 409, 409, 409, 409, 409, 409]);
    const accepted = responses.find((response) => response.status === 202) as Response;
    const job = (await accepted.json()) as { id: string };
    for (const refused of responses.filter((response) => response.status === 409)) {
      expect(await refused.json()).toMatchObject({
        type: "/problems/training-in-progress",
        jobId: job.id,
      });
    }
    expect((await finishedJob(tenant, job.id)).status).toBe("succeeded");
    const jobs = await tenant.api.v1.adapters[":adapterId"].jobs.$get({
      param: { adapterId },
      query: {},
    });
    expect(((await jobs.json()) as { jobs: unknown[] }).jobs).toHaveLength(1);
  });

  it("an upload whose adapter is deleted while it writes leaves no raw upload in R2", async () => {
    const adapterId = await lexicalAdapter("deleted-mid-upload");
    await expectUploadLosesTo(tenant, adapterId, {
      url: `http://edge/v1/adapters/${adapterId}`,
      token: tenant.key,
      problem: "adapter-not-found",
    });
  });

  it("an upload whose tenant is deleted while it writes gets a 404 and leaves nothing in R2", async () => {
    const doomed = await createTenant("deleted-mid-upload");
    const created = await doomed.api.v1.adapters.$post({
      json: { name: "doomed", backbone: "lexical", headType: "prototype" },
    });
    const { id: adapterId } = await created.json();
    await expectUploadLosesTo(doomed, adapterId, {
      url: `http://edge/v1/tenants/${doomed.id}`,
      token: bindings.ADMIN_TOKEN,
      problem: "tenant-not-found",
    });
  });
});

/**
 * Stores an upload through the real bucket, with `deletion` (of its adapter or its tenant, which
 * sweeps the R2 prefix) run after the upload embedded and before its raw bytes land: they are
 * written after the sweep, and the insert must be refused with the deletion's problem, not an
 * error, so that the upload removes what it wrote.
 */
async function expectUploadLosesTo(
  owner: TestTenant,
  adapterId: string,
  deletion: { url: string; token: string; problem: string },
) {
  const store = tenantStore(bindings, owner.id);
  const tenantRecord = unwrap(await store.getTenant());
  const adapter = unwrap(await store.getAdapter(adapterId));
  const prefix = rawAdapterPrefix(owner.id, adapterId);
  let deleted: Promise<Response> | undefined;
  const bucket = new Proxy(bindings.SAMPLES, {
    get(target, name) {
      if (name !== "put") return Reflect.get(target, name).bind(target);
      return async (...args: Parameters<R2Bucket["put"]>) => {
        deleted ??= fetchWorker(deletion.url, {
          method: "DELETE",
          headers: { authorization: `Bearer ${deletion.token}` },
        });
        await deleted;
        return target.put(...args);
      };
    },
  });
  const pool = new BackbonePool(
    workerdHost(bindings.ASSETS, { backbones: [lexical], engines: {} }),
  );
  const uploads = WEATHER.map((text) => ({
    raw: { kind: "text" as const, text },
    input: { kind: "text" as const, text },
    label: "weather",
  }));
  const stored = storeSamples({ ...tenantRecord, store }, adapter, pool, bucket, uploads);
  await expect(stored).rejects.toMatchObject({ status: 404, slug: deletion.problem });
  expect((await deleted)?.status).toBe(204);
  expect((await bindings.SAMPLES.list({ prefix })).objects.map((object) => object.key)).toEqual([]);
}
