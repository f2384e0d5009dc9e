/**
 * The text flow end to end on the real use-lite backbone, through the typed client: tenant → key →
 * adapter → upload → train (SSE and polling) → predict → a second version → rollback.
 */

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TenantState } from "../../../src/storage/tenant-state";
import { PAGE_REPORT_CHARS } from "../../../src/storage/versions-table";
import {
  bindings,
  createTenant,
  createTextAdapter,
  fetchWorker,
  finishedJob,
  jsonOnly,
  uploadTexts,
} from "./client";
import { COOKING, FINANCE, labelled, WEATHER } from "./texts";

describe("text adapter flow", () => {
  it("trains, serves, versions and rolls back a head", async () => {
    const tenant = await createTenant("acme");
    const adapterId = await createTextAdapter(tenant);
    const params = { param: { adapterId } };
    // Named no layer: a use-lite adapter starts on encoder-mean (its heads did better held out),
    // while /v1/embed keeps the published sentence embedding.
    const created = await tenant.api.v1.adapters[":adapterId"].$get(params);
    expect(await created.json()).toMatchObject({ backbone: "use-lite", layer: "encoder-mean" });
    const embedded = await fetchWorker("http://edge/v1/embed", {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.key}`, "content-type": "application/json" },
      body: JSON.stringify({ backbone: "use-lite", inputs: ["Rain by noon."] }),
    });
    expect(await embedded.json()).toMatchObject({ layer: "sentence" });

    const upload = await uploadTexts(tenant, adapterId, [
      ...labelled(WEATHER, "weather"),
      ...labelled(COOKING, "cooking"),
    ]);
    expect(upload.status, await upload.clone().text()).toBe(201);
    const uploaded = await upload.json();
    expect(uploaded).toMatchObject({ added: 12, duplicates: 0, counts: { total: 12 } });

    const again = await uploadTexts(tenant, adapterId, labelled(WEATHER.slice(0, 2), "weather"));
    expect(await again.json()).toMatchObject({ added: 0, duplicates: 2, counts: { total: 12 } });

    const started = await tenant.api.v1.adapters[":adapterId"].train.$post({
      ...params,
      json: { seed: 1 },
    });
    expect(started.status).toBe(202);
    const job = await started.json();
    const events = await fetchWorker(`http://edge/v1/jobs/${job.id}/events`, {
      headers: { authorization: `Bearer ${tenant.key}` },
    });
    expect(events.headers.get("content-type")).toContain("text/event-stream");
    const stream = await events.text();
    expect(stream).toMatch(/event: succeeded\ndata: /);
    expect((await finishedJob(tenant, job.id)).version).toBe(1);

    const predict = (input: string) =>
      tenant.api.v1.adapters[":adapterId"].predict.$post({
        ...params,
        query: { topK: "2" },
        ...jsonOnly({ inputs: [input] }),
      });
    const first = await (await predict("Expect showers and gusty wind this evening.")).json();
    expect(first).toMatchObject({ adapterId, version: 1, backbone: { id: "use-lite" } });
    expect(first.predictions[0]?.label).toBe("weather");
    expect(first.predictions[0]?.topK).toHaveLength(2);

    // The same text as a text/plain file part (`curl -F inputs=@forecast.txt`).
    const form = new FormData();
    form.append(
      "inputs",
      new Blob(["Expect showers and gusty wind this evening."], { type: "text/plain" }),
      "forecast.txt",
    );
    const asFile = await fetchWorker(`http://edge/v1/adapters/${adapterId}/predict?topK=2`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.key}` },
      body: form,
    });
    expect((await asFile.json()) as unknown).toMatchObject({ predictions: first.predictions });

    await uploadTexts(tenant, adapterId, labelled(FINANCE, "finance"));
    const second = await tenant.api.v1.adapters[":adapterId"].train.$post({
      ...params,
      json: { seed: 2, activate: true },
    });
    expect((await finishedJob(tenant, (await second.json()).id)).version).toBe(2);
    const afterSecond = await (await predict("Shares slumped after the profit warning.")).json();
    expect(afterSecond).toMatchObject({ version: 2, predictions: [{ label: "finance" }] });

    const versions = await (
      await tenant.api.v1.adapters[":adapterId"].versions.$get({ ...params, query: {} })
    ).json();
    expect(versions.versions.map((v) => [v.version, v.active])).toEqual([
      [2, true],
      [1, false],
    ]);
    expect(versions.versions[1]?.report).toHaveProperty("evaluation.metrics.confusionMatrix");
    const versionOne = await tenant.api.v1.adapters[":adapterId"].versions[":version"].$get({
      param: { adapterId, version: "1" },
    });
    expect(await versionOne.json()).toEqual(versions.versions[1]);
    const missing = await tenant.api.v1.adapters[":adapterId"].versions[":version"].$get({
      param: { adapterId, version: "3" },
    });
    expect(missing.status).toBe(404);
    const jobs = await (
      await tenant.api.v1.adapters[":adapterId"].jobs.$get({ ...params, query: {} })
    ).json();
    expect(jobs.jobs.map((listed) => [listed.status, listed.version])).toEqual([
      ["succeeded", 2],
      ["succeeded", 1],
    ]);
    expect(await (await tenant.api.v1.tenant.$get()).json()).toMatchObject({
      id: tenant.id,
      name: "acme",
    });

    const rollback = await tenant.api.v1.adapters[":adapterId"].versions[":version"].activate.$post(
      {
        param: { adapterId, version: "1" },
      },
    );
    expect(rollback.status).toBe(200);
    const afterRollback = await (await predict("Shares slumped after the profit warning.")).json();
    expect(afterRollback.version).toBe(1);
    expect(Object.keys(afterRollback.predictions[0]?.probabilities ?? {}).sort()).toEqual([
      "cooking",
      "weather",
    ]);
  });

  it("ends a page of versions at its reports' size", async () => {
    const tenant = await createTenant("archive");
    const adapterId = await createTextAdapter(tenant);
    // Versions 1–5 with reports of 1.5 MiB each (a large report is a few hundred KB): a page holds
    // the versions until their reports pass 4 MiB, the third.
    const report = { padding: "x".repeat(Math.ceil(PAGE_REPORT_CHARS * 0.375)) };
    await runInDurableObject(bindings.TENANTS.getByName(tenant.id), (_, ctx) => {
      const versions = new TenantState(ctx.storage).versions;
      for (let version = 1; version <= 5; version++) {
        versions.add({
          adapterId,
          version,
          jobId: `j-${version}`,
          binding: { backbone: "use-lite", weightsHash: "w", layer: null },
          headType: "logistic",
          headKey: `h-${version}`,
          headBytes: 1,
          report: report as never,
          createdAt: new Date().toISOString(),
        });
      }
    });
    const pages: number[][] = [];
    let cursor: string | undefined;
    do {
      const response = await tenant.api.v1.adapters[":adapterId"].versions.$get({
        param: { adapterId },
        query: cursor ? { cursor } : {},
      });
      const page = await response.json();
      pages.push(page.versions.map((v) => v.version));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual([
      [5, 4, 3],
      [2, 1],
    ]);
  });
});
