/**
 * Jobs run as bounded, checkpointed steps in their own runner object (src/objects/job-runner.ts):
 * killed between steps they resume and end with the same head as an uninterrupted run; a step that
 * dies every time fails the job; cancelling or deleting the tenant stops the runner; and the active
 * version serves throughout. The pool runs small steps (JOB_STEP_FLOPS in vitest.config.ts).
 */

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { TrainingReport } from "../../../adapters";
import { publishVersion } from "../../../src/jobs/publish-version";
import { RETRY_BUDGET } from "../../../src/objects/job-runner";
import { Problem } from "../../../src/problem";
import { now } from "../../../src/storage/clock";
import { RunnerState } from "../../../src/storage/runner-state";
import { TenantState } from "../../../src/storage/tenant-state";
import {
  admin,
  bindings,
  createTenant,
  createTextAdapter,
  fetchWorker,
  finishedJob,
  jsonOnly,
  type TestTenant,
  uploadTexts,
} from "./client";
import { TOPICS } from "./texts";

async function trainedAdapter(name: string) {
  const tenant = await createTenant(name);
  const adapterId = await createTextAdapter(tenant);
  await uploadTexts(tenant, adapterId, TOPICS);
  return { tenant, adapterId, train: (json: object) => train(tenant, adapterId, json) };
}

async function train(tenant: TestTenant, adapterId: string, json: object): Promise<string> {
  const response = await tenant.api.v1.adapters[":adapterId"].train.$post({
    param: { adapterId },
    json,
  });
  if (response.status !== 202)
    throw new Error(`train: ${response.status} ${await response.text()}`);
  const { id } = await response.json();
  // Every accepted training says where to follow it.
  expect(response.headers.get("location")).toBe(`/v1/jobs/${id}`);
  return id;
}

async function job(tenant: TestTenant, jobId: string) {
  const response = await tenant.api.v1.jobs[":jobId"].$get({ param: { jobId } });
  const body = await response.json();
  if (!("steps" in body)) throw new Error(`job: ${JSON.stringify(body)}`);
  return body;
}

/** Polls until the job has done at least `steps` steps (or ended). */
async function afterSteps(tenant: TestTenant, jobId: string, steps: number) {
  for (;;) {
    const current = await job(tenant, jobId);
    if (current.steps.steps >= steps || !["queued", "running"].includes(current.status)) {
      return current;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function predict(tenant: TestTenant, adapterId: string) {
  return tenant.api.v1.adapters[":adapterId"].predict.$post({
    param: { adapterId },
    query: {},
    ...jsonOnly({ inputs: ["Expect showers and gusty wind this evening."] }),
  });
}

function headBytes(tenantId: string, adapterId: string, version: number) {
  return bindings.HEADS.get(`heads/${tenantId}/${adapterId}/v${version}`, "arrayBuffer");
}

/** Whether the job's runner still holds anything (it erases itself when the job ends). */
function runnerHoldsRun(jobId: string): Promise<boolean> {
  return runInDurableObject(
    bindings.JOB_RUNNERS.getByName(jobId),
    (_, ctx) => new RunnerState(ctx.storage).run !== null,
  );
}

describe("jobs in steps", () => {
  it("resumes a killed training from its checkpoint and ends with the uninterrupted run's head", async () => {
    const { tenant, adapterId, train } = await trainedAdapter("resumable");
    const request = { headType: "logistic", seed: 5, activate: true };
    const reference = await finishedJob(tenant, await train(request));
    expect(reference).toMatchObject({ status: "succeeded", version: 1 });
    expect(reference.steps.steps).toBeGreaterThan(5);

    const jobId = await train(request);
    await afterSteps(tenant, jobId, 3);
    // The kill: the runner's instance is dropped with everything it held in memory.
    await runInDurableObject(bindings.JOB_RUNNERS.getByName(jobId), (_, ctx) =>
      ctx.abort("killed by the test"),
    ).catch(() => undefined);
    // Meanwhile the active version serves, and so does everything else.
    const during = await predict(tenant, adapterId);
    expect(await during.json()).toMatchObject({ version: 1, predictions: [{ label: "weather" }] });
    expect((await fetchWorker("http://edge/healthz")).status).toBe(200);

    const resumed = await finishedJob(tenant, jobId);
    expect(resumed).toMatchObject({ status: "succeeded", version: 2 });
    expect(resumed.steps.steps).toBeGreaterThan(5);
    // Each step is bounded (a generous bound for a loaded machine; steps here are ~ms of work).
    expect(resumed.steps.maxStepMs).toBeLessThan(2_000);
    expect(new Uint8Array((await headBytes(tenant.id, adapterId, 2)) as ArrayBuffer)).toEqual(
      new Uint8Array((await headBytes(tenant.id, adapterId, 1)) as ArrayBuffer),
    );
    expect(await runnerHoldsRun(jobId)).toBe(false);
  });

  it("fails a job whose step dies on every attempt, and the active head keeps serving", async () => {
    const { tenant, adapterId, train } = await trainedAdapter("fragile");
    expect(await finishedJob(tenant, await train({ seed: 1 }))).toMatchObject({ version: 1 });

    // Queued without a runner, then handed to one as if every attempt at its next step had died.
    const dying = await runInDurableObject(bindings.TENANTS.getByName(tenant.id), (_, ctx) => {
      const state = new TenantState(ctx.storage);
      return state.jobs.enqueue(adapterId, "training", { seed: 2, activate: true }, now()).id;
    });
    const runner = bindings.JOB_RUNNERS.getByName(dying);
    await runInDurableObject(runner, async (_, ctx) => {
      new RunnerState(ctx.storage).begin({ tenantId: tenant.id, jobId: dying });
      ctx.storage.sql.exec("UPDATE run SET attempts = ?", RETRY_BUDGET);
      await ctx.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(runner)).toBe(true);

    const failed = await finishedJob(tenant, dying);
    expect(failed).toMatchObject({
      status: "failed",
      version: null,
      error: { code: "interrupted" },
    });
    expect(await (await predict(tenant, adapterId)).json()).toMatchObject({ version: 1 });
    expect(await headBytes(tenant.id, adapterId, 2)).toBeNull();
    expect(await runnerHoldsRun(dying)).toBe(false);
  });

  it("answers a request sent again with its Idempotency-Key with the job it started, never a second one", async () => {
    const { tenant, adapterId } = await trainedAdapter("idempotent");
    const send = (body: object, key: string, path = "train") =>
      fetchWorker(`http://edge/v1/adapters/${adapterId}/${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${tenant.key}`,
          "content-type": "application/json",
          "idempotency-key": key,
        },
        body: JSON.stringify(body),
      });
    const first = await send({ seed: 11 }, "retry-1");
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    // The answer was lost, say: the same request again, while the job runs and after it ended.
    const again = await send({ seed: 11 }, "retry-1");
    expect([again.status, ((await again.json()) as { id: string }).id]).toEqual([202, id]);
    expect(again.headers.get("location")).toBe(`/v1/jobs/${id}`);
    expect(await finishedJob(tenant, id)).toMatchObject({ status: "succeeded", version: 1 });
    const late = (await (await send({ seed: 11 }, "retry-1")).json()) as { id: string };
    expect(late).toMatchObject({ id, status: "succeeded", version: 1 });
    // The key names that request: another body, or another kind of job, is refused.
    for (const [body, path] of [
      [{ seed: 12 }, "train"],
      [{}, "select"],
    ] as const) {
      const reused = await send(body, "retry-1", path);
      expect(reused.status).toBe(422);
      expect(await reused.json()).toMatchObject({
        type: "/problems/idempotency-key-reused",
        jobId: id,
      });
    }
    expect((await send({ seed: 11 }, "not a key")).status).toBe(422);
    // A new key is a new training.
    const second = (await (await send({ seed: 11 }, "retry-2")).json()) as { id: string };
    expect(await finishedJob(tenant, second.id)).toMatchObject({ status: "succeeded", version: 2 });
  });

  it("cancels a running job at its next step: nothing is published and the adapter is free", async () => {
    const { tenant, train } = await trainedAdapter("cancelling");
    const jobId = await train({ headType: "logistic" });
    await afterSteps(tenant, jobId, 2);
    const cancelled = await tenant.api.v1.jobs[":jobId"].cancel.$post({ param: { jobId } });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: "cancelled" });
    const again = await tenant.api.v1.jobs[":jobId"].cancel.$post({ param: { jobId } });
    expect(again.status).toBe(409);
    // `status` is the problem's HTTP status (RFC 9457); the job's own is `jobStatus`.
    expect(await again.json()).toMatchObject({
      type: "/problems/job-finished",
      status: 409,
      jobStatus: "cancelled",
    });

    const next = await train({ seed: 3 });
    expect(await finishedJob(tenant, next)).toMatchObject({ status: "succeeded", version: 1 });
    expect(await job(tenant, jobId)).toMatchObject({ status: "cancelled", version: null });
    expect(await runnerHoldsRun(jobId)).toBe(false);
  });

  it("trains on the samples stored when it was queued: uploads meanwhile stay out, deletions wait", async () => {
    const { tenant, adapterId, train } = await trainedAdapter("snapshot");
    const jobId = await train({ headType: "logistic", seed: 4 });
    const later = await uploadTexts(tenant, adapterId, [
      ["Sleet and freezing fog are expected on the coast road tonight.", "weather"],
      ["Fold the beaten egg whites gently into the chocolate batter.", "cooking"],
    ]);
    expect(later.status).toBe(201);
    const deleting = await tenant.api.v1.adapters[":adapterId"].samples.$delete({
      param: { adapterId },
      query: { label: "cooking" },
    });
    expect(deleting.status).toBe(409);
    expect(await deleting.json()).toMatchObject({ type: "/problems/training-in-progress", jobId });

    expect(await finishedJob(tenant, jobId)).toMatchObject({ status: "succeeded", version: 1 });
    const { versions } = await (
      await tenant.api.v1.adapters[":adapterId"].versions.$get({ param: { adapterId }, query: {} })
    ).json();
    expect(versions[0]?.report).toMatchObject({ samples: { raw: TOPICS.length } });
    const deleted = await tenant.api.v1.adapters[":adapterId"].samples.$delete({
      param: { adapterId },
      query: { label: "cooking" },
    });
    expect(deleted.status).toBe(200);
  });

  it("stops cleanly when its tenant is deleted mid-job", async () => {
    const { tenant, train } = await trainedAdapter("vanishing");
    const jobId = await train({ headType: "logistic" });
    await afterSteps(tenant, jobId, 2);
    const deleted = await admin.v1.tenants[":tenantId"].$delete({ param: { tenantId: tenant.id } });
    expect(deleted.status).toBe(204);
    for (let i = 0; i < 200 && (await runnerHoldsRun(jobId)); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await runnerHoldsRun(jobId)).toBe(false);
    expect((await bindings.HEADS.list({ prefix: `heads/${tenant.id}/` })).keys).toEqual([]);
  });

  it("leaves no head in KV when the transaction that would record it is refused", async () => {
    const tenant = await createTenant("unrecorded");
    const created = await tenant.api.v1.adapters.$post({
      json: { name: "unrecorded", backbone: "lexical" },
    });
    const adapterId = (await created.json()).id;
    const stub = bindings.TENANTS.getByName(tenant.id);
    // The head is written to KV before the transaction that records its version; a commit refused
    // there (a switch whose samples changed, a tenant deleted meanwhile) left it with no version.
    const refused = await runInDurableObject(stub, async (_, ctx) => {
      const state = new TenantState(ctx.storage);
      const queued = state.jobs.enqueue(adapterId, "training", {}, now());
      const publishing = publishVersion(
        { state, heads: bindings.HEADS, tenantId: tenant.id },
        queued,
        {
          head: new Uint8Array([1, 2, 3]),
          headType: "logistic",
          report: {} as TrainingReport,
          activate: true,
          commit: () => {
            throw new Problem(409, "samples-changed", "samples changed");
          },
        },
      );
      return publishing.then(
        () => null,
        (error: unknown) => (error instanceof Problem ? error.slug : String(error)),
      );
    });
    expect(refused).toBe("samples-changed");
    const prefix = `heads/${tenant.id}/${adapterId}/`;
    expect((await bindings.HEADS.list({ prefix })).keys).toEqual([]);
  });
});
