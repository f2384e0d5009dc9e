import { Problem } from "../problem";
import { newId } from "./ids";
import type { JobRecord, JobStatus, TrainRequest } from "./records";

type JobRow = {
  id: string;
  adapter_id: string;
  status: JobStatus;
  request: string;
  stage: string | null;
  fraction: number;
  message: string | null;
  error: string | null;
  version: number | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
};

export interface JobProgress {
  stage: string;
  fraction: number;
  message: string;
}

/** Training jobs. A job is queued, then running, then succeeded (with a version) or failed (with why). */
export class JobsTable {
  constructor(private readonly sql: SqlStorage) {}

  /** Refuses (409, naming the job) while the adapter has a queued or running job. */
  assertIdle(adapterId: string): void {
    const live = this.live(adapterId);
    if (live) {
      throw new Problem(
        409,
        "training-in-progress",
        `adapter "${adapterId}" is training (job ${live.id})`,
        {
          jobId: live.id,
        },
      );
    }
  }

  enqueue(adapterId: string, request: TrainRequest, now: string): JobRecord {
    this.assertIdle(adapterId);
    const id = newId("j");
    this.sql.exec(
      "INSERT INTO jobs (id, adapter_id, status, request, created_at) VALUES (?, ?, 'queued', ?, ?)",
      id,
      adapterId,
      JSON.stringify(request),
      now,
    );
    return this.get(id);
  }

  get(id: string): JobRecord {
    const row = this.sql.exec<JobRow>("SELECT * FROM jobs WHERE id = ?", id).toArray()[0];
    if (!row) throw new Problem(404, "job-not-found", `no training job "${id}" for this tenant`);
    return toJob(row);
  }

  list(adapterId: string): JobRecord[] {
    return this.sql
      .exec<JobRow>(
        "SELECT * FROM jobs WHERE adapter_id = ? ORDER BY created_at DESC, id",
        adapterId,
      )
      .toArray()
      .map(toJob);
  }

  nextQueued(): JobRecord | undefined {
    const row = this.sql
      .exec<JobRow>("SELECT * FROM jobs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1")
      .toArray()[0];
    return row && toJob(row);
  }

  start(id: string, now: string): void {
    this.sql.exec("UPDATE jobs SET status = 'running', started_at = ? WHERE id = ?", now, id);
  }

  progress(id: string, progress: JobProgress): void {
    this.sql.exec(
      "UPDATE jobs SET stage = ?, fraction = ?, message = ? WHERE id = ?",
      progress.stage,
      progress.fraction,
      progress.message,
      id,
    );
  }

  succeed(id: string, version: number, now: string): void {
    this.sql.exec(
      "UPDATE jobs SET status = 'succeeded', version = ?, fraction = 1, finished_at = ? WHERE id = ?",
      version,
      now,
      id,
    );
  }

  fail(id: string, error: { code: string; detail: string }, now: string): void {
    this.sql.exec(
      "UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?",
      JSON.stringify(error),
      now,
      id,
    );
  }

  /** Jobs left 'running' by an object that is gone: nothing will finish them, so they failed. */
  failInterrupted(now: string): void {
    const error = {
      code: "interrupted",
      detail: "the training was interrupted before it finished",
    };
    this.sql.exec(
      "UPDATE jobs SET status = 'failed', error = ?, finished_at = ? WHERE status = 'running'",
      JSON.stringify(error),
      now,
    );
  }

  deleteAll(adapterId: string): void {
    this.sql.exec("DELETE FROM jobs WHERE adapter_id = ?", adapterId);
  }

  private live(adapterId: string): JobRecord | undefined {
    const row = this.sql
      .exec<JobRow>(
        "SELECT * FROM jobs WHERE adapter_id = ? AND status IN ('queued', 'running')",
        adapterId,
      )
      .toArray()[0];
    return row && toJob(row);
  }
}

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    adapterId: row.adapter_id,
    status: row.status,
    request: JSON.parse(row.request) as TrainRequest,
    progress: { stage: row.stage, fraction: row.fraction, message: row.message },
    error: row.error ? (JSON.parse(row.error) as JobRecord["error"]) : null,
    version: row.version,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
