/**
 * The loop behind GET /v1/jobs/{id}/events: the job each time it changes, until it ends. A read that
 * fails for another reason than a problem (the tenant's object restarting or overloaded) is tried
 * again on the next poll, for about 2 s, then the stream ends with a 503 problem: ending it quietly
 * would look like the end of the job to a client.
 */

import { Problem } from "../problem";
import type { JobRecord } from "../storage/records";

/** How often the event stream looks at the job; progress is stored by the training as it goes. */
export const POLL_INTERVAL_MS = 200;
/** Every fifth look (about once a second) the stream also checks that its key still works. */
const POLLS_PER_KEY_CHECK = 5;
/** Failed reads in a row (about 2 s of polls) before the stream gives up. */
export const UNREADABLE_POLLS = 10;

export interface JobFollower {
  /** The job as stored now; a Problem when it or its tenant is gone. */
  read(): Promise<JobRecord>;
  /** Throws a Problem once the stream's key is revoked or its tenant deleted. */
  reauthenticate(): Promise<void>;
  sleep(ms: number): Promise<unknown>;
  /** Whether the client has left. */
  aborted(): boolean;
}

export async function* jobChanges(first: JobRecord, follower: JobFollower) {
  let job = first;
  let last = "";
  let unreadable = 0;
  for (let poll = 1; !follower.aborted(); poll++) {
    const snapshot = JSON.stringify(job);
    if (snapshot !== last) yield job;
    if (job.status !== "queued" && job.status !== "running") return;
    last = snapshot;
    await follower.sleep(POLL_INTERVAL_MS);
    if (poll % POLLS_PER_KEY_CHECK === 0) await follower.reauthenticate();
    try {
      job = await follower.read();
      unreadable = 0;
    } catch (error) {
      // A deleted tenant's object has no tables left to read: the key check says why.
      await follower.reauthenticate();
      if (error instanceof Problem) throw error;
      if (++unreadable >= UNREADABLE_POLLS) throw unreadableJob(job.id, error);
    }
  }
}

function unreadableJob(jobId: string, error: unknown): Problem {
  const reason = error instanceof Error ? error.message : String(error);
  return new Problem(
    503,
    "job-unreadable",
    `job ${jobId} could not be read for ${(UNREADABLE_POLLS * POLL_INTERVAL_MS) / 1000} s (${reason}); it may still run: follow it again`,
  );
}
