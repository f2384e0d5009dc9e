/**
 * Revocation reaches event streams that are already open: revoking a key, or deleting its tenant,
 * ends the streams that key opened with a problem, and leaves other keys' streams alone.
 */

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { now } from "../../../src/storage/clock";
import { TenantState } from "../../../src/storage/tenant-state";
import { admin, bindings, createTenant, createTextAdapter, fetchWorker } from "./client";

/** "Within a few seconds": the stream checks its key about once a second. */
const REVOCATION_BOUND_MS = 5_000;
/** Long enough for an unaffected stream to have checked its key again since the revocation. */
const STILL_OPEN_AFTER_MS = 1_500;

describe("an open event stream", () => {
  it("ends when its key is revoked or its tenant deleted, and not when another key is", async () => {
    const tenant = await createTenant("watcher");
    const other = await admin.v1.tenants[":tenantId"].keys.$post({
      param: { tenantId: tenant.id },
    });
    const otherKey = (await other.json()) as { key: string };
    const jobId = await jobThatNeverRuns(tenant.id, await createTextAdapter(tenant));

    const revokedStream = await openEvents(jobId, tenant.key);
    const keptStream = await openEvents(jobId, otherKey.key);
    expect(await revokedStream()).toMatch(/^event: queued\ndata: /);
    expect(await keptStream()).toMatch(/^event: queued\ndata: /);

    const revoked = await admin.v1.tenants[":tenantId"].keys[":keyId"].$delete({
      param: { tenantId: tenant.id, keyId: tenant.keyId },
    });
    expect(revoked.status).toBe(204);
    expectUnauthorized(await within(revokedStream(), REVOCATION_BOUND_MS));
    expect(await revokedStream()).toBeNull();

    const keptNext = keptStream();
    const wait = new Promise((resolve) => setTimeout(resolve, STILL_OPEN_AFTER_MS, "still open"));
    expect(await Promise.race([keptNext, wait])).toBe("still open");

    const deleted = await admin.v1.tenants[":tenantId"].$delete({ param: { tenantId: tenant.id } });
    expect(deleted.status).toBe(204);
    expectUnauthorized(await within(keptNext, REVOCATION_BOUND_MS));
    expect(await keptStream()).toBeNull();
  });
});

/** A queued job with no alarm to run it: it stays unfinished, so only revocation ends its stream. */
function jobThatNeverRuns(tenantId: string, adapterId: string): Promise<string> {
  return runInDurableObject(bindings.TENANTS.getByName(tenantId), (_, ctx) => {
    const job = new TenantState(ctx.storage).jobs.enqueue(adapterId, "training", {}, now());
    return job.id;
  });
}

/** Opens the job's event stream; the returned function reads the next event, or null at the end. */
async function openEvents(jobId: string, key: string): Promise<() => Promise<string | null>> {
  const response = await fetchWorker(`http://edge/v1/jobs/${jobId}/events`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(response.status).toBe(200);
  if (!response.body) throw new Error("an event stream without a body");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  return async () => {
    for (;;) {
      const end = buffered.indexOf("\n\n");
      if (end >= 0) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        return event;
      }
      const { value, done } = await reader.read();
      if (done) return null;
      buffered += value;
    }
  };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), ms),
  );
  return Promise.race([promise, timeout]);
}

function expectUnauthorized(event: string | null) {
  const match = /^event: error\ndata: (.*)$/.exec(event ?? "");
  expect(match, `an error event, got ${event}`).not.toBeNull();
  expect(JSON.parse(match?.[1] ?? "")).toMatchObject({
    type: "/problems/unauthorized",
    status: 401,
  });
}
