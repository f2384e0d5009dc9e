import { echoId, Problem } from "../problem";
import type { SelectionReport } from "../selection/selection-report";
import { newId } from "./ids";
import { type CreatedPosition, createdBefore, type PageRequest } from "./page";
import type { JobKind, JobOf, JobRecord, JobRequestOf, JobStatus, JobStepStats } from "./records";

type JobRow = {
  id: string;
  adapter_id: string;
  kind: JobKind;
  status: JobStatus;
  request: string;
  stage: string | null;
  fraction: number;
  message: string | null;
  error: string | null;
  version: number | null;
  report: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  steps: number;
  retries: number;
  max_step_ms: number;
  compute_ms: number;
  idempotency_key: string | null;
  idempotency_body: string | null;
};

/** A client's Idempotency-Key for a request that starts a job, with the request's body (JSON). */
export interface Idempotency {
  key: string;
  body: string;
}

export interface JobProgress {
  stage: string;
  fraction: number;
  message: string;
}

/**
 * Jobs (training, selection, backbone switch). A job is queued, then running, then succeeded (with
 * a version or a report), failed (with why) or cancelled. One live job per adapter, whatever its kind.
 */
export class JobsTable {
  constructor(private readonly sql: SqlStorage) {}

  /** Refuses (409, naming the job) while the adapter has a queued or running job. */
  assertIdle(adapterId: string): void {
    const live = this.live(adapterId);
    if (live) throw jobInProgress(adapterId, live);
  }

  /**
   * Refuses (409, naming the job) while the adapter switches backbones: the switch commits exactly
   * the samples it re-embedded, so a sample stored meanwhile would fail it at its end.
   */
  assertNotSwitching(adapterId: string): void {
    const live = this.live(adapterId);
    if (live?.kind === "switch") throw jobInProgress(adapterId, live);
  }

  /**
   * A job started with the same request under `idempotency`'s key: the job that request started,
   * whatever happened since (a client that lost the answer to its request asks again with the same
   * key). Null when the key is new; 422 when it started a job for another request.
   */
  replay<K extends JobKind>(
    adapterId: string,
    kind: K,
    idempotency: Idempotency | undefined,
  ): JobOf<K> | null {
    if (!idempotency) return null;
    const row = this.sql
      .exec<JobRow>(
        "SELECT * FROM jobs WHERE adapter_id = ? AND idempotency_key = ?",
        adapterId,
        idempotency.key,
      )
      .toArray()[0];
    if (!row) return null;
    if (row.kind !== kind || row.idempotency_body !== idempotency.body) {
      throw new Problem(
        422,
        "idempotency-key-reused",
        `the Idempotency-Key started job ${row.id} (a ${row.kind}) with another request: send a new key with a new request`,
        { jobId: row.id },
      );
    }
    return toJob(row) as JobOf<K>;
  }

  enqueue<K extends JobKind>(
    adapterId: string,
    kind: K,
    request: JobRequestOf[K],
    now: string,
    idempotency?: Idempotency,
  ): JobOf<K> {
    this.assertIdle(adapterId);
    const id = newId("j");
    this.sql.exec(
      "INSERT INTO jobs (id, adapter_id, kind, status, request, created_at, idempotency_key, idempotency_body) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)",
      id,
      adapterId,
      kind,
      JSON.stringify(request),
      now,
      idempotency?.key ?? null,
      idempotency?.body ?? null,
    );
    return this.get(id) as JobOf<K>;
  }

  get(id: string): JobRecord {
    const row = this.sql.exec<JobRow>("SELECT * FROM jobs WHERE id = ?", id).toArray()[0];
    if (!row) throw new Problem(404, "job-not-found", `no job ${echoId(id)} for this tenant`);
    return toJob(row);
  }

  /** The adapter's jobs, newest first, a page at a time. */
  list(adapterId: string, page: PageRequest<CreatedPosition>): JobRecord[] {
    const { where, bindings } = createdBefore(page.after);
    return this.sql
      .exec<JobRow>(
        `SELECT * FROM jobs WHERE adapter_id = ? AND ${where} ORDER BY created_at DESC, id DESC LIMIT ?`,
        adapterId,
        ...bindings,
        page.limit,
      )
      .toArray()
      .map(toJob);
  }

  /** Queued and running jobs, oldest first (the watchdog makes sure each has a runner). */
  liveJobs(): JobRecord[] {
    return this.sql
      .exec<JobRow>(
        "SELECT * FROM jobs WHERE status IN ('queued', 'running') ORDER BY created_at, id",
      )
      .toArray()
      .map(toJob);
  }

  /** A job's id, when this object holds it (a lookup that never throws). */
  find(id: string): JobRecord | undefined {
    const row = this.sql.exec<JobRow>("SELECT * FROM jobs WHERE id = ?", id).toArray()[0];
    return row && toJob(row);
  }

  start(id: string, now: string): void {
    this.sql.exec(
      "UPDATE jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
      now,
      id,
    );
  }

  /** A step's progress and the runner's step statistics. */
  progress(id: string, progress: JobProgress, steps?: JobStepStats): void {
    this.sql.exec(
      "UPDATE jobs SET stage = ?, fraction = ?, message = ? WHERE id = ?",
      progress.stage,
      progress.fraction,
      progress.message,
      id,
    );
    if (steps) {
      this.sql.exec(
        "UPDATE jobs SET steps = ?, retries = ?, max_step_ms = ?, compute_ms = ? WHERE id = ?",
        steps.steps,
        steps.retries,
        steps.maxStepMs,
        steps.computeMs,
        id,
      );
    }
  }

  /** Cancels a live job (its runner stops at its next step boundary); 409 once it has ended. */
  cancel(id: string, now: string): JobRecord {
    const job = this.get(id);
    if (job.status !== "queued" && job.status !== "running") {
      throw new Problem(409, "job-finished", `job "${id}" has already ${job.status}`, {
        jobStatus: job.status,
      });
    }
    this.sql.exec("UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE id = ?", now, id);
    return this.get(id);
  }

  succeed(id: string, version: number, now: string): void {
    this.sql.exec(
      "UPDATE jobs SET status = 'succeeded', version = ?, stage = 'done', fraction = 1, message = ?, finished_at = ? WHERE id = ?",
      version,
      `published version ${version}`,
      now,
      id,
    );
  }

  /** A selection job's end: its report is the result. */
  succeedWithReport(id: string, report: SelectionReport, now: string): void {
    this.sql.exec(
      "UPDATE jobs SET status = 'succeeded', report = ?, stage = 'done', fraction = 1, message = 'ranked', finished_at = ? WHERE id = ?",
      JSON.stringify(report),
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
    kind: row.kind,
    status: row.status,
    request: JSON.parse(row.request),
    report: row.report ? (JSON.parse(row.report) as SelectionReport) : null,
    progress: { stage: row.stage, fraction: row.fraction, message: row.message },
    steps: {
      steps: row.steps,
      retries: row.retries,
      maxStepMs: row.max_step_ms,
      computeMs: row.compute_ms,
    },
    error: row.error ? (JSON.parse(row.error) as JobRecord["error"]) : null,
    version: row.version,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  } as JobRecord;
}

/** 409: one job at a time per adapter. */
export function jobInProgress(adapterId: string, live: JobRecord): Problem {
  return new Problem(
    409,
    "training-in-progress",
    `adapter "${adapterId}" has a ${live.kind} job in progress (job ${live.id})`,
    { jobId: live.id, kind: live.kind },
  );
}
