/**
 * Finetune heads on the real mobilenet-v2: refused on a backbone without a trainable top; the cut
 * activations of a finetune adapter's uploads kept in R2; a finetune trained from the retained raw
 * bytes of samples uploaded to a logistic adapter, killed mid-training and resumed (ending with the
 * head an uninterrupted run gives), published (its int8 top too large to ride in the serving
 * record), predicting through the tenant's top, and rolled back to the frozen version. A
 * selection with includeFinetune ranks frozen against top unfrozen on mobilenet-v2's folds, and is
 * refused where no backbone has a top. The pool runs small steps (JOB_STEP_FLOPS in vitest.config.ts).
 */

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { INLINE_HEAD_MAX_BYTES } from "../../../src/storage/inline-head";
import { bindings, createTenant, fetchWorker, finishedJob, type TestTenant } from "./client";
import { BLUE, imageForm, RED, tinted } from "./pictures";

/** MobileNetV2 1.4's cut (block16, 7×7×448) as stored: a float32 scale per position, int8 values. */
const CUT_BYTES = 49 * 4 + 49 * 448;

const FAST_FINETUNE = {
  headType: "finetune",
  seed: 3,
  activate: true,
  // Validation large enough to choose a finetune on (10 of each label: MIN_VALIDATION_PER_LABEL).
  fractions: { train: 0.3, validation: 0.5, test: 0.2 },
  sweep: { learningRateGrid: [1e-3], l2spGrid: [0.01] },
  hyperparameters: {
    maxEpochs: 3,
    patience: 2,
    batchSize: 4,
  },
};

function session(tenant: TestTenant) {
  const authorization = `Bearer ${tenant.key}`;
  const call = (path: string, init: RequestInit = {}) =>
    fetchWorker(`http://edge/v1${path}`, {
      ...init,
      headers: { authorization, "content-type": "application/json", ...init.headers },
    });
  return {
    call,
    async adapter(headType: string, backbone = "mobilenet-v2", layer?: string) {
      return call("/adapters", {
        method: "POST",
        body: JSON.stringify({ name: headType, backbone, layer, headType }),
      });
    },
    async upload(adapterId: string, colours: [number, number, number][], seed: number) {
      const response = await fetchWorker(`http://edge/v1/adapters/${adapterId}/samples`, {
        method: "POST",
        headers: { authorization },
        body: imageForm(
          colours.map((colour, i) => tinted(colour, seed + i)),
          colours.map((colour) => (colour === RED ? "red" : "blue")),
        ),
      });
      expect(response.status).toBe(201);
    },
    async train(adapterId: string, request: object): Promise<string> {
      const response = await call(`/adapters/${adapterId}/train`, {
        method: "POST",
        body: JSON.stringify(request),
      });
      const body = (await response.json()) as { id: string };
      expect(response.status, JSON.stringify(body)).toBe(202);
      return body.id;
    },
    async predict(adapterId: string, colour: [number, number, number]) {
      const form = new FormData();
      form.append("inputs", new Blob([tinted(colour, 99)], { type: "image/png" }), "q.png");
      const response = await fetchWorker(`http://edge/v1/adapters/${adapterId}/predict`, {
        method: "POST",
        headers: { authorization },
        body: form,
      });
      expect(response.status).toBe(200);
      return (await response.json()) as { version: number; predictions: { label: string }[] };
    },
  };
}

async function cutObjects(tenantId: string, adapterId: string) {
  const listed = await bindings.SAMPLES.list({ prefix: `samples/${tenantId}/${adapterId}/cut/` });
  return listed.objects;
}

describe("finetune heads", () => {
  it("refuses a backbone without a trainable top and keeps the cut of a finetune adapter's uploads", async () => {
    const tenant = await createTenant("finetune-refusals");
    const api = session(tenant);
    const listed = (await (await fetchWorker("http://edge/v1/backbones")).json()) as {
      backbones: { id: string; finetune: boolean; defaultLayer: string }[];
    };
    const able = listed.backbones.filter((backbone) => backbone.finetune).map(({ id }) => id);
    expect(able).toContain("mobilenet-v2");
    expect(able).not.toContain("use-lite");
    // The top ends in the default layer, which the catalogue names; another layer cannot retrain it.
    expect(listed.backbones.find(({ id }) => id === "mobilenet-v2")?.defaultLayer).toBe("pooled");
    const elsewhere = await api.call("/adapters", {
      method: "POST",
      body: JSON.stringify({
        name: "grid",
        backbone: "mobilenet-v2",
        layer: "block16-grid",
        headType: "finetune",
      }),
    });
    expect(elsewhere.status).toBe(422);
    expect(((await elsewhere.json()) as { detail: string }).detail).toContain(
      'this adapter embeds at "block16-grid"',
    );
    for (const refused of [
      await api.adapter("finetune", "use-lite"),
      await api.adapter("finetune", "lexical+use-lite"),
    ]) {
      expect(refused.status).toBe(422);
      expect(refused.headers.get("content-type")).toContain("application/problem+json");
      const problem = (await refused.json()) as { type: string; detail: string };
      expect(problem.type).toContain("no-trainable-top");
      expect(problem.detail).toContain("mobilenet-v2");
    }
    const text = (await (await api.adapter("logistic", "use-lite")).json()) as { id: string };
    const train = await api.call(`/adapters/${text.id}/train`, {
      method: "POST",
      body: JSON.stringify({ headType: "finetune" }),
    });
    expect(train.status).toBe(422);
    // Selection refuses to measure a top-unfrozen candidate where no backbone it ranks has a top.
    const select = await api.call(`/adapters/${text.id}/select`, {
      method: "POST",
      body: JSON.stringify({ includeFinetune: true }),
    });
    expect(select.status).toBe(422);
    expect(select.headers.get("content-type")).toContain("application/problem+json");
    const refusal = (await select.json()) as { type: string; detail: string; backbones: string[] };
    expect(refusal.type).toBe("/problems/no-trainable-top");
    expect(refusal.detail).toContain("use-lite");
    expect(refusal.backbones).toContain("mobilenet-v2");

    // A logistic adapter starts on the layer its manifest names (adapterLayer), which the top does
    // not end in; a finetune adapter that names no layer starts on the top's output.
    const gridded = (await (await api.adapter("logistic")).json()) as { id: string; layer: string };
    expect(gridded.layer).toBe("block16-grid-2x2");
    const onGrid = await api.call(`/adapters/${gridded.id}/train`, {
      method: "POST",
      body: JSON.stringify({ headType: "finetune" }),
    });
    expect(onGrid.status).toBe(422);
    expect(((await onGrid.json()) as { detail: string }).detail).toContain(
      'this adapter embeds at "block16-grid-2x2"',
    );
    const created = await api.adapter("finetune");
    expect(created.status).toBe(201);
    const { id, layer } = (await created.json()) as { id: string; layer: string };
    expect(layer).toBe("pooled");
    await api.upload(id, [RED, BLUE], 1);
    const objects = await cutObjects(tenant.id, id);
    expect(objects.map((object) => object.size)).toEqual([CUT_BYTES, CUT_BYTES]);
    // Deleting samples deletes their cut activations too.
    const deleted = await api.call(`/adapters/${id}/samples?label=red`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await cutObjects(tenant.id, id)).toHaveLength(1);

    // A logistic adapter's uploads keep no cut: a finetune training must embed them again, which
    // their raw bytes, not retained, cannot give. Refused when asked, counting the adapter's samples.
    const patched = await api.call("/tenant", {
      method: "PATCH",
      body: JSON.stringify({ retainRawSamples: false }),
    });
    expect(patched.status).toBe(200);
    const { id: frozenId } = (await (
      await api.adapter("logistic", "mobilenet-v2", "pooled")
    ).json()) as {
      id: string;
    };
    await api.upload(frozenId, [RED, BLUE, RED, BLUE, RED, BLUE], 20);
    const unembeddable = await api.call(`/adapters/${frozenId}/train`, {
      method: "POST",
      body: JSON.stringify({ headType: "finetune" }),
    });
    expect(unembeddable.status).toBe(422);
    expect(await unembeddable.json()).toMatchObject({
      type: "/problems/raw-samples-not-retained",
      missing: 6,
      total: 6,
      detail: expect.stringContaining("finetune training"),
    });
  });

  it("trains from retained raw bytes, resumes after a kill, predicts through its top and rolls back", async () => {
    const tenant = await createTenant("finetune-flow");
    const api = session(tenant);
    const { id } = (await (await api.adapter("logistic", "mobilenet-v2", "pooled")).json()) as {
      id: string;
    };
    // 20 of each, so that FAST_FINETUNE's validation split holds 10 of each.
    const colours = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? RED : BLUE));
    await api.upload(id, colours, 10);
    expect(await cutObjects(tenant.id, id)).toEqual([]);
    const frozen = await finishedJob(tenant, await api.train(id, { seed: 3 }));
    expect(frozen).toMatchObject({ status: "succeeded", version: 1 });

    const jobId = await api.train(id, FAST_FINETUNE);
    // Progress reports each epoch's validation loss (what the job's SSE stream carries).
    let message = "";
    while (!/epoch \d+ validation loss [\d.]+$/.test(message)) {
      const job = (await (await api.call(`/jobs/${jobId}`)).json()) as {
        status: string;
        progress: { message: string | null };
      };
      expect(job.status).toMatch(/queued|running/);
      message = job.progress.message ?? "";
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await runInDurableObject(bindings.JOB_RUNNERS.getByName(jobId), (_, ctx) =>
      ctx.abort("killed by the test"),
    ).catch(() => undefined);
    expect(await api.predict(id, BLUE)).toMatchObject({ version: 1 });

    const resumed = await finishedJob(tenant, jobId);
    expect(resumed).toMatchObject({ status: "succeeded", version: 2 });
    // The samples' cut activations, computed again from their raw bytes, are kept for next time.
    expect(await cutObjects(tenant.id, id)).toHaveLength(colours.length);

    const { versions } = (await (await api.call(`/adapters/${id}/versions`)).json()) as {
      versions: {
        version: number;
        headType: string;
        headBytes: number;
        report: { headType: string; finetune?: { chosen: unknown } };
      }[];
    };
    const tuned = versions.find((version) => version.version === 2);
    expect(tuned).toMatchObject({ headType: "finetune", report: { finetune: { chosen: 0 } } });
    expect(tuned?.headBytes).toBeGreaterThan(INLINE_HEAD_MAX_BYTES);
    expect(tuned?.headBytes).toBeLessThan(25 * 1024 * 1024);

    expect(await api.predict(id, BLUE)).toMatchObject({
      version: 2,
      predictions: [{ label: "blue" }],
    });
    expect(await api.predict(id, RED)).toMatchObject({
      version: 2,
      predictions: [{ label: "red" }],
    });

    // An uninterrupted run of the same request ends with the same head, byte for byte.
    const again = await finishedJob(
      tenant,
      await api.train(id, { ...FAST_FINETUNE, activate: false }),
    );
    expect(again).toMatchObject({ status: "succeeded", version: 3 });
    const stored = (version: number) =>
      bindings.HEADS.get(`heads/${tenant.id}/${id}/v${version}`, "arrayBuffer");
    expect(new Uint8Array((await stored(2)) as ArrayBuffer)).toEqual(
      new Uint8Array((await stored(3)) as ArrayBuffer),
    );

    const rollback = await api.call(`/adapters/${id}/versions/1/activate`, { method: "POST" });
    expect(rollback.status).toBe(200);
    expect(await api.predict(id, RED)).toMatchObject({
      version: 1,
      predictions: [{ label: "red" }],
    });

    // At 60/20/20 validation holds 8 of each label, too few to choose a top: the version is the
    // head a logistic training gives (cross-validated, fitted on all 40), byte for byte version 1's.
    const finished = await finishedJob(
      tenant,
      await api.train(id, { headType: "finetune", seed: 3 }),
    );
    expect(finished).toMatchObject({ status: "succeeded", version: 4 });
    const fallback = 4;
    const reports = (await (await api.call(`/adapters/${id}/versions`)).json()) as {
      versions: { version: number; headType: string; report: object }[];
    };
    expect(reports.versions.find((v) => v.version === fallback)).toMatchObject({
      headType: "logistic",
      report: {
        evaluation: { protocol: { kind: "cross-validation" } },
        samples: { servedHeadTrainedOn: 40 },
        finetune: { chosen: "frozen", note: expect.stringContaining("fewer than 10") },
      },
    });
    expect(new Uint8Array((await stored(fallback)) as ArrayBuffer)).toEqual(
      new Uint8Array((await stored(1)) as ArrayBuffer),
    );
  });

  it("selection measures frozen against top unfrozen on the leading backbone with a top", async () => {
    const tenant = await createTenant("finetune-select");
    const api = session(tenant);
    const { id } = (await (await api.adapter("logistic", "mobilenet-v2", "pooled")).json()) as {
      id: string;
    };
    const select = (request: object) =>
      api.call(`/adapters/${id}/select`, { method: "POST", body: JSON.stringify(request) });
    // InceptionV3 alone: nothing this deployment can run, let alone unfreeze, so nothing to measure.
    const refused = await select({ includeFinetune: true, backbones: ["inception-v3"] });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { type: string }).type).toBe(
      "/problems/backbone-unavailable",
    );

    const colours = [RED, BLUE, RED, BLUE, RED, BLUE, RED, BLUE, RED, BLUE, RED, BLUE];
    await api.upload(id, colours, 40);
    const started = await select({
      includeFinetune: true,
      backbones: ["mobilenet-v2"],
      folds: 3,
      seed: 1,
    });
    const queued = (await started.json()) as { id: string };
    expect(started.status, JSON.stringify(queued)).toBe(202);
    const job = await finishedJob(tenant, queued.id);
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    const report = job.report as unknown as {
      candidates: { id: string; metrics: { folds: number; foldMacroF1: number[] } | null }[];
      finetune: {
        candidate: string;
        backbone: string;
        status: string;
        comparison: {
          folds: number;
          repeats: number;
          variants: { variant: string; foldMacroF1: number[]; headBytes: number | null }[];
          difference: number;
          tieTolerance: number;
          recommendation: { variant: string; headType: string; reason: string };
        };
      };
    };
    const { finetune } = report;
    expect(finetune).toMatchObject({
      candidate: "mobilenet-v2/pooled",
      backbone: "mobilenet-v2",
      status: "measured",
      comparison: { folds: 3, repeats: 1 },
    });
    const { comparison } = finetune;
    expect(comparison.variants.map((v) => v.variant)).toEqual(["frozen", "top-unfrozen"]);
    // The frozen variant is the candidate's logistic head on the first repeat of its very folds.
    const pooled = report.candidates.find((c) => c.id === "mobilenet-v2/pooled");
    expect(comparison.variants[0]?.foldMacroF1).toEqual(pooled?.metrics?.foldMacroF1.slice(0, 3));
    expect(comparison.variants[0]?.headBytes).toBeGreaterThan(0);
    const unfreezes = comparison.difference > comparison.tieTolerance;
    expect(comparison.recommendation).toMatchObject(
      unfreezes
        ? { variant: "top-unfrozen", headType: "finetune" }
        : { variant: "frozen", headType: "logistic" },
    );
    expect(comparison.recommendation.reason.length).toBeGreaterThan(40);
    // The cut activations were computed from the retained raw bytes and kept for a later training.
    expect(await cutObjects(tenant.id, id)).toHaveLength(colours.length);
  });
});
