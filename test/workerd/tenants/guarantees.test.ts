/**
 * What the storage design must guarantee: tenants never see each other's data, concurrent uploads
 * lose nothing, and deleting removes everything (jobs: ./jobs.test.ts).
 */

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hasSchema } from "../../../src/storage/schema";
import { admin, apiClient, bindings, createTenant, createTextAdapter, uploadTexts } from "./client";
import { COOKING, FINANCE, labelled, WEATHER } from "./texts";

describe("tenant isolation", () => {
  it("answers 404 for another tenant's adapter and lists only the caller's own", async () => {
    const alice = await createTenant("alice");
    const bob = await createTenant("bob");
    const adapterId = await createTextAdapter(alice, "alice-only");
    const param = { param: { adapterId } };

    const asBob = await bob.api.v1.adapters[":adapterId"].$get(param);
    expect(asBob.status).toBe(404);
    expect(await asBob.json()).toMatchObject({ type: "/problems/adapter-not-found" });
    expect(
      (await bob.api.v1.adapters[":adapterId"].samples.$get({ ...param, query: {} })).status,
    ).toBe(404);
    expect((await uploadTexts(bob, adapterId, labelled(WEATHER, "weather"))).status).toBe(404);
    expect(await (await bob.api.v1.adapters.$get({ query: {} })).json()).toEqual({
      adapters: [],
      nextCursor: null,
    });
    expect((await alice.api.v1.adapters[":adapterId"].$get(param)).status).toBe(200);
  });
});

describe("concurrent uploads", () => {
  it("N parallel uploads to one adapter store exactly N samples", async () => {
    const tenant = await createTenant("busy");
    const adapterId = await createTextAdapter(tenant);
    const texts = [...WEATHER, ...COOKING, ...FINANCE];
    const responses = await Promise.all(
      texts.map((text) => uploadTexts(tenant, adapterId, [[text, "any"]])),
    );
    expect(responses.map((response) => response.status)).toEqual(texts.map(() => 201));

    const counts = await (
      await tenant.api.v1.adapters[":adapterId"].samples.$get({ param: { adapterId }, query: {} })
    ).json();
    expect(counts).toMatchObject({
      total: texts.length,
      labels: [{ label: "any", count: texts.length }],
    });
  });
});

/** Whether the tenant's object holds any tables. */
function tablesOf(tenantId: string): Promise<boolean> {
  return runInDurableObject(bindings.TENANTS.getByName(tenantId), (_, ctx) =>
    hasSchema(ctx.storage.sql),
  );
}

describe("listing samples", () => {
  it("lists them in upload order, within a request too, page by page; an old cursor is a 422", async () => {
    const tenant = await createTenant("orderly");
    const created = await tenant.api.v1.adapters.$post({
      json: { name: "ordered", backbone: "lexical" },
    });
    const adapterId = (await created.json()).id;
    const texts = (count: number, from: number) =>
      Array.from({ length: count }, (_, i): [string, string] => [
        `note number ${from + i}`,
        "note",
      ]);
    const ids = async (batch: [string, string][]) =>
      (await (await uploadTexts(tenant, adapterId, batch)).json()).samples.map(({ id }) => id);
    // One request's samples share their time: their random ids alone would order them by chance.
    const uploaded = [...(await ids(texts(12, 0))), ...(await ids(texts(4, 12)))];

    const samples = tenant.api.v1.adapters[":adapterId"].samples;
    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await (
        await samples.$get({ param: { adapterId }, query: { limit: 5, cursor } })
      ).json();
      listed.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(listed).toEqual(uploaded);

    const byLabel = await (
      await samples.$get({ param: { adapterId }, query: { label: "note", limit: 200 } })
    ).json();
    expect(byLabel.items.map((item) => item.id)).toEqual(uploaded);

    // A cursor of the former (time, id) order is refused, not read as some other position.
    const old = btoa(JSON.stringify({ createdAt: new Date().toISOString(), id: uploaded[3] }));
    const refused = await samples.$get({ param: { adapterId }, query: { cursor: old } });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ type: "/problems/invalid-cursor" });
  });
});

describe("raw uploads and deletion", () => {
  it("keeps raw samples in R2 until retention is off, and deletes them with their samples", async () => {
    const tenant = await createTenant("archivist");
    const adapterId = await createTextAdapter(tenant);
    const param = { param: { adapterId } };
    const rawKeys = async () =>
      (await bindings.SAMPLES.list({ prefix: `samples/${tenant.id}/${adapterId}/` })).objects
        .length;

    await uploadTexts(tenant, adapterId, labelled(WEATHER.slice(0, 3), "weather"));
    expect(await rawKeys()).toBe(3);

    const off = await tenant.api.v1.tenant.$patch({ json: { retainRawSamples: false } });
    expect(await off.json()).toMatchObject({ retainRawSamples: false });
    const repeated = [COOKING[0], COOKING[1], COOKING[1]] as string[];
    const upload = await uploadTexts(tenant, adapterId, labelled(repeated, "cooking"));
    expect(await rawKeys()).toBe(3);
    const [first, second, repeat] = (await upload.json()).samples;
    expect([first?.status, second?.status, repeat?.status]).toEqual([
      "added",
      "added",
      "duplicate",
    ]);
    expect(repeat?.id).toBe(second?.id);
    expect(repeat).toMatchObject({ label: "cooking" });
    // Sent again under another label: recognised, and the answer says which label stays.
    const relabelled = await uploadTexts(tenant, adapterId, [[COOKING[0] as string, "weather"]]);
    expect((await relabelled.json()).samples).toEqual([
      { id: first?.id, status: "duplicate", label: "cooking" },
    ]);

    // Listed page by page, and read back as sent while retained.
    const samples = tenant.api.v1.adapters[":adapterId"].samples;
    const page = async (cursor?: string) =>
      (await samples.$get({ ...param, query: { label: "weather", limit: 2, cursor } })).json();
    const firstPage = await page();
    const lastPage = await page(firstPage.nextCursor ?? "");
    const listed = [...firstPage.items, ...lastPage.items];
    expect([firstPage.items.length, lastPage.items.length, lastPage.nextCursor]).toEqual([
      2,
      1,
      null,
    ]);
    expect(listed.every((item) => item.label === "weather" && item.retained)).toBe(true);
    const raw = await samples[":sampleId"].raw.$get({
      param: { adapterId, sampleId: listed[0]?.id ?? "" },
    });
    expect(raw.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(WEATHER.slice(0, 3)).toContain(await raw.text());
    const notKept = await samples[":sampleId"].raw.$get({
      param: { adapterId, sampleId: second?.id ?? "" },
    });
    expect(notKept.status).toBe(404);
    expect(await notKept.json()).toMatchObject({ type: "/problems/raw-sample-not-retained" });

    const byId = await tenant.api.v1.adapters[":adapterId"].samples[":sampleId"].$delete({
      param: { adapterId, sampleId: first?.id ?? "" },
    });
    expect(await byId.json()).toEqual({ deleted: 1 });
    const byLabel = await tenant.api.v1.adapters[":adapterId"].samples.$delete({
      ...param,
      query: { label: "weather" },
    });
    expect(await byLabel.json()).toEqual({ deleted: 3 });
    expect(await rawKeys()).toBe(0);
    const left = await tenant.api.v1.adapters[":adapterId"].samples.$get({ ...param, query: {} });
    expect(await left.json()).toMatchObject({
      total: 1,
      labels: [{ label: "cooking", count: 1 }],
      items: [{ label: "cooking", retained: false }],
      nextCursor: null,
    });

    // Sent again once retention is on, as the switch's refusal advises: still the same sample (a
    // duplicate), now with its raw upload kept. It was answered duplicate and left unretained, so
    // an adapter with such samples could never be switched or ranked.
    await tenant.api.v1.tenant.$patch({ json: { retainRawSamples: true } });
    const again = await uploadTexts(tenant, adapterId, labelled([COOKING[1] as string], "cooking"));
    expect((await again.json()).samples).toEqual([
      { id: second?.id, status: "duplicate", label: "cooking" },
    ]);
    const kept = await tenant.api.v1.adapters[":adapterId"].samples.$get({ ...param, query: {} });
    expect(await kept.json()).toMatchObject({ total: 1, items: [{ retained: true }] });
    const readBack = await samples[":sampleId"].raw.$get({
      param: { adapterId, sampleId: second?.id ?? "" },
    });
    expect(await readBack.text()).toBe(COOKING[1]);
    expect(await rawKeys()).toBe(1);
  });

  it("deleting a tenant revokes its keys, removes it from the registry and leaves no tables", async () => {
    const tenant = await createTenant("leaving");
    expect((await tenant.api.v1.adapters.$get({ query: {} })).status).toBe(200);
    const deleted = await admin.v1.tenants[":tenantId"].$delete({ param: { tenantId: tenant.id } });
    expect(deleted.status).toBe(204);
    expect((await tenant.api.v1.adapters.$get({ query: {} })).status).toBe(401);
    const { tenants } = await (await admin.v1.tenants.$get({ query: {} })).json();
    expect(tenants.map((listed) => listed.id)).not.toContain(tenant.id);
    const again = await admin.v1.tenants[":tenantId"].$delete({ param: { tenantId: tenant.id } });
    expect(again.status).toBe(404);
    expect(await tablesOf(tenant.id)).toBe(false);
  });

  it("a forged key for an unknown tenant is refused and creates nothing", async () => {
    const tenantId = "t_00000000000000000000beef";
    const forged = apiClient(`eak_${tenantId}_${"A".repeat(43)}`);
    expect((await forged.v1.adapters.$get({ query: {} })).status).toBe(401);
    expect(await tablesOf(tenantId)).toBe(false);
  });
});
