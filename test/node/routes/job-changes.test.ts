/**
 * The loop behind GET /v1/jobs/{id}/events. A read of the job that failed for another reason than a
 * problem (the tenant's object restarting or overloaded) ended the stream at once and quietly, as if
 * the job had ended: a client following it took a running job for a finished one. It now tries
 * again, and after about 2 s of failed reads ends with a 503 problem (sent as an `error` event).
 */

import { describe, expect, it } from "vitest";
import { Problem } from "../../../src/problem";
import { type JobFollower, jobChanges, UNREADABLE_POLLS } from "../../../src/routes/job-changes";
import type { JobRecord } from "../../../src/storage/records";

const job = (status: JobRecord["status"], fraction: number) =>
  ({ id: "j_1", status, progress: { stage: "fit", fraction, message: null } }) as JobRecord;

/** A follower whose reads answer the scripted results in turn (an Error is thrown). */
function scripted(reads: (JobRecord | Error)[]): JobFollower & { reads: number } {
  const follower = {
    reads: 0,
    async read() {
      const next = reads[follower.reads++];
      if (next === undefined) throw new Error("read past the script");
      if (next instanceof Error) throw next;
      return next;
    },
    reauthenticate: async () => {},
    sleep: async () => {},
    aborted: () => false,
  };
  return follower;
}

async function statuses(first: JobRecord, follower: JobFollower): Promise<string[]> {
  const seen: string[] = [];
  for await (const change of jobChanges(first, follower)) {
    seen.push(`${change.status} ${change.progress.fraction}`);
  }
  return seen;
}

describe("following a job", () => {
  it("yields each change until the job ends", async () => {
    const follower = scripted([job("running", 0.2), job("running", 0.2), job("succeeded", 1)]);
    expect(await statuses(job("queued", 0), follower)).toEqual([
      "queued 0",
      "running 0.2",
      "succeeded 1",
    ]);
  });

  it("reads again after a failed read, and goes on", async () => {
    const lost = new Error("Network connection lost.");
    const follower = scripted([lost, lost, job("running", 0.5), lost, job("succeeded", 1)]);
    expect(await statuses(job("running", 0.1), follower)).toEqual([
      "running 0.1",
      "running 0.5",
      "succeeded 1",
    ]);
  });

  it("ends with a 503 problem when the job stays unreadable", async () => {
    const follower = scripted(Array(UNREADABLE_POLLS).fill(new Error("overloaded")));
    const seen: string[] = [];
    const followed = (async () => {
      for await (const change of jobChanges(job("running", 0.1), follower))
        seen.push(change.status);
    })();
    const problem = await followed.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(seen).toEqual(["running"]);
    expect(problem).toBeInstanceOf(Problem);
    expect((problem as Problem).status).toBe(503);
    expect((problem as Problem).detail).toContain("follow it again");
    expect(follower.reads).toBe(UNREADABLE_POLLS);
  });

  it("ends with the problem a read gives (the job or its tenant gone), at once", async () => {
    const gone = new Problem(404, "job-not-found", "no job");
    const follower = scripted([gone]);
    await expect(statuses(job("running", 0.1), follower)).rejects.toBe(gone);
  });
});
