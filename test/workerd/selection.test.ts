/**
 * Backbone selection end to end in workerd, through the typed client: rank use-lite's cut layers and
 * the lexical baseline on a small text adapter's retained samples (a job, followed over SSE), switch
 * the adapter to another backbone and back, and roll back to the first head once it is on its
 * backbone again. A switch that dies mid-way changes nothing. Then the refusals: a live job, too few
 * samples, samples that were not retained, a target the adapter cannot move to.
 */

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { lexical } from "../../models/lexical";
import { now } from "../../src/storage/clock";
import { TenantState } from "../../src/storage/tenant-state";
import {
  bindings,
  createTenant,
  createTextAdapter,
  fetchWorker,
  finishedJob,
  jsonOnly,
  type TestTenant,
  uploadTexts,
} from "./tenants/client";
import { COOKING, labelled, TOPICS, WEATHER } from "./tenants/texts";

function adapterApi(tenant: TestTenant, adapterId: string) {
  const adapter = tenant.api.v1.adapters[":adapterId"];
  const param = { adapterId };
  return {
    select: (json: { folds?: number; seed?: number }) => adapter.select.$post({ param, json }),
    apply: (json: { backbone?: string; jobId?: string; seed?: number }) =>
      adapter.select.apply.$post({ param, json }),
    get: async () => (await adapter.$get({ param })).json(),
    activate: (version: number) =>
      adapter.versions[":version"].activate.$post({
        param: { adapterId, version: String(version) },
      }),
    predict: async (text: string) =>
      (await adapter.predict.$post({ param, query: {}, ...jsonOnly({ inputs: [text] }) })).json(),
  };
}

describe("backbone selection", () => {
  it("ranks use-lite and the lexical baseline, applies a backbone and rolls back", async () => {
    const tenant = await createTenant("selector");
    const adapterId = await createTextAdapter(tenant);
    const api = adapterApi(tenant, adapterId);
    expect((await uploadTexts(tenant, adapterId, TOPICS)).status).toBe(201);
    const trained = await tenant.api.v1.adapters[":adapterId"].train.$post({
      param: { adapterId },
      json: { seed: 1 },
    });
    expect((await finishedJob(tenant, (await trained.json()).id)).version).toBe(1);

    const started = await api.select({ folds: 3, seed: 1 });
    expect(started.status, await started.clone().text()).toBe(202);
    const job = await started.json();
    expect(job).toMatchObject({ kind: "selection", status: "queued", report: null });
    const busy = await api.select({});
    expect(busy.status).toBe(409);
    expect(await busy.json()).toMatchObject({ type: "/problems/training-in-progress" });
    // Stored after the job was queued: not in its pool, in this process or the next.
    const later = await uploadTexts(tenant, adapterId, [
      ["Hail and thunder are forecast for the hills after midnight.", "weather"],
      ["Simmer the lentils with cumin until they turn soft.", "cooking"],
    ]);
    expect(later.status).toBe(201);
    // A new process (the runner killed) reads the pool again: the same samples.
    await runInDurableObject(bindings.JOB_RUNNERS.getByName(job.id), (_, ctx) =>
      ctx.abort("killed by the test"),
    ).catch(() => undefined);

    const events = await fetchWorker(`http://edge/v1/jobs/${job.id}/events`, {
      headers: { authorization: `Bearer ${tenant.key}` },
    });
    expect(await events.text()).toMatch(/event: succeeded\ndata: /);
    const { report } = await finishedJob(tenant, job.id);
    expect(report?.labels).toEqual(["cooking", "finance", "weather"]);
    expect(report?.samples).toBe(TOPICS.length);
    // A use-lite adapter that named no layer starts on encoder-mean (its manifest's adapterLayer).
    expect(report?.current).toEqual({ backbone: "use-lite", layer: "encoder-mean" });
    const singles = report?.candidates.filter((c) => !c.backbone.includes("+")) ?? [];
    expect(singles.map((c) => c.id).sort()).toEqual([
      "lexical/ngrams",
      "lexical/ngrams-1024",
      "use-lite/encoder-mean",
      "use-lite/sentence",
    ]);
    // The fusion of the two best singles, from their vectors, at their summed latency (two layers
    // of one network: one pass, the slower layer's).
    const fused = report?.candidates.find((c) => c.backbone.includes("+"));
    const parts = singles.filter((c) => fused?.id.split("+").includes(c.id));
    expect(parts).toHaveLength(2);
    const latencies = parts.map((c) => c.metrics?.latencyMsPerItem ?? 0);
    expect(fused?.metrics?.latencyMsPerItem).toBeCloseTo(
      parts[0]?.backbone === parts[1]?.backbone
        ? Math.max(...latencies)
        : latencies.reduce((sum, ms) => sum + ms, 0),
      6,
    );
    for (const candidate of report?.candidates ?? []) {
      expect(candidate).toMatchObject({ status: "measured", error: null, metrics: { folds: 3 } });
      expect(candidate.rank).toBeGreaterThan(0);
      expect(Number.isFinite(candidate.metrics?.logME)).toBe(true);
      expect(candidate.metrics?.crossValidatedMacroF1.mean).toBeGreaterThanOrEqual(0);
      expect(candidate.metrics?.prototypeLeaveOneOutAccuracy).toBeGreaterThanOrEqual(0);
    }
    expect(report?.recommendation?.id).toBe(report?.candidates[0]?.id);
    expect(report?.paretoFront.length).toBeGreaterThan(0);
    expect(report?.rule).toMatch(/^Cross-validation decides where it can, LogME where it cannot/);
    // The recommendation names the signal that decided, and its reason says so in words.
    expect([
      "cross-validation",
      "logme-among-unresolved",
      "current-kept",
      "cheaper-resolved-tie",
    ]).toContain(report?.recommendation?.decidedBy);
    expect(report?.recommendation?.reason).toMatch(/decided|stays|materially cheaper/);
    // The job embedded through the isolate's pool (here the object shares the Worker's isolate),
    // whose measured latency GET /v1/backbones reports.
    const listed = await (await fetchWorker("http://edge/v1/backbones")).json();
    const { backbones } = listed as { backbones: { id: string; latency: { items: number } }[] };
    expect(backbones.find((b) => b.id === "lexical")?.latency.items).toBeGreaterThanOrEqual(18);

    const switched = await api.apply({ backbone: "lexical", seed: 1 });
    expect(switched.status, await switched.clone().text()).toBe(202);
    const switchId = (await switched.json()).id;
    // An upload while the switch runs is refused: the switch commits exactly the samples it
    // re-embedded, so one stored meanwhile failed it at its end (samples-changed), work lost.
    const meanwhile = await uploadTexts(tenant, adapterId, [["A new upload mid-switch.", "news"]]);
    expect(meanwhile.status).toBe(409);
    expect(await meanwhile.json()).toMatchObject({
      type: "/problems/training-in-progress",
      kind: "switch",
      jobId: switchId,
    });
    const switchJob = await finishedJob(tenant, switchId);
    expect(switchJob).toMatchObject({ kind: "switch", status: "succeeded", version: 2 });
    expect(await api.get()).toMatchObject({
      backbone: "lexical",
      layer: "ngrams",
      dim: 4096,
      activeVersion: 2,
    });
    const onLexical = await api.predict("Shares slumped after the profit warning.");
    expect(onLexical).toMatchObject({ version: 2, backbone: { id: "lexical" } });

    const refused = await api.activate(1);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ type: "/problems/version-on-other-backbone" });

    // Applying a fusion re-embeds the retained samples with both backbones.
    const toFusion = await api.apply({ backbone: "lexical+use-lite", seed: 1 });
    expect((await finishedJob(tenant, (await toFusion.json()).id)).version).toBe(3);
    expect(await api.get()).toMatchObject({ backbone: "lexical+use-lite", layer: null });
    const onFusion = await api.predict("Shares slumped after the profit warning.");
    expect(onFusion).toMatchObject({ version: 3, backbone: { id: "lexical+use-lite" } });

    const back = await api.apply({ backbone: "use-lite", seed: 1 });
    expect((await finishedJob(tenant, (await back.json()).id)).version).toBe(4);
    expect((await api.activate(1)).status).toBe(200);
    const rolledBack = await api.predict("Expect showers and gusty wind this evening.");
    expect(rolledBack).toMatchObject({
      version: 1,
      backbone: { id: "use-lite" },
      predictions: [{ label: "weather" }],
    });
    // Four trainings, a selection of four candidates and three switches: about 20 s on a quiet
    // machine, 232 s once under a load of 7, so the guard against a hang is generous.
  }, 600_000);

  it("leaves the adapter on its backbone when a switch dies mid-way", async () => {
    const tenant = await createTenant("half-switched");
    const adapterId = await createTextAdapter(tenant);
    const api = adapterApi(tenant, adapterId);
    await uploadTexts(tenant, adapterId, TOPICS);
    const trained = await tenant.api.v1.adapters[":adapterId"].train.$post({
      param: { adapterId },
      json: { seed: 1 },
    });
    expect((await finishedJob(tenant, (await trained.json()).id)).version).toBe(1);

    const { manifest } = lexical;
    const stub = bindings.TENANTS.getByName(tenant.id);
    // A switch whose training is refused (a seed out of range) after its embeddings were staged.
    const jobId = await runInDurableObject(stub, async (_, ctx) => {
      const state = new TenantState(ctx.storage);
      const job = state.jobs.enqueue(
        adapterId,
        "switch",
        {
          backbone: manifest.id,
          backboneVersion: manifest.version,
          weightsHash: manifest.weightsHash,
          layer: manifest.output.layer,
          dim: manifest.output.dim,
          seed: -1,
        },
        now(),
      );
      return job.id;
    });
    await bindings.JOB_RUNNERS.getByName(jobId).start({ tenantId: tenant.id, jobId });

    expect(await finishedJob(tenant, jobId)).toMatchObject({
      kind: "switch",
      status: "failed",
      error: { code: "invalid-options" },
    });
    expect(await api.get()).toMatchObject({ backbone: "use-lite", dim: 512, activeVersion: 1 });
    expect(await api.predict("Expect showers and gusty wind this evening.")).toMatchObject({
      version: 1,
      predictions: [{ label: "weather" }],
    });
    // The stored embeddings are still use-lite's, so the adapter trains as before.
    const again = await tenant.api.v1.adapters[":adapterId"].train.$post({
      param: { adapterId },
      json: { seed: 2 },
    });
    expect(await finishedJob(tenant, (await again.json()).id)).toMatchObject({
      status: "succeeded",
      version: 2,
    });
  });

  it("refuses what it cannot measure or apply, naming why", async () => {
    const tenant = await createTenant("refusals");
    const adapterId = await createTextAdapter(tenant);
    const api = adapterApi(tenant, adapterId);
    await uploadTexts(tenant, adapterId, [
      ...labelled(WEATHER, "weather"),
      ...labelled(COOKING.slice(0, 2), "cooking"),
    ]);
    const tooFew = await api.select({});
    expect(tooFew.status).toBe(422);
    expect(await tooFew.json()).toMatchObject({
      type: "/problems/too-few-samples",
      minimumSamplesPerClass: 3,
    });

    expect(await (await api.apply({})).json()).toMatchObject({ type: "/problems/no-selection" });
    expect(await (await api.apply({ backbone: "use-lite" })).json()).toMatchObject({
      type: "/problems/already-on-backbone",
    });
    expect(await (await api.apply({ backbone: "mobilenet-v2" })).json()).toMatchObject({
      type: "/problems/wrong-modality",
    });

    await tenant.api.v1.tenant.$patch({ json: { retainRawSamples: false } });
    await uploadTexts(tenant, adapterId, labelled(COOKING.slice(2), "cooking"));
    const notRetained = await api.select({});
    expect(notRetained.status).toBe(422);
    expect(await notRetained.json()).toMatchObject({
      type: "/problems/raw-samples-not-retained",
      missing: 4,
    });
  });
});
