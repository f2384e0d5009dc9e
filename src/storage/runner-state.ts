/**
 * The SQLite storage of one `JobRunner` Durable Object (src/objects/job-runner.ts): which job it
 * runs, its step counters, the checkpoint of the last finished step, and the job's working sets of
 * labelled vectors (a training's snapshot of the samples, a switch's or a selection's embeddings),
 * and a finetune training's cut activations (encoded, one row per snapshot position: read a few at a
 * time, synchronously, while the head trains). Everything is erased when the job ends.
 */

import type { JobStepStats } from "./records";

/** What a runner needs to find its job: the tenant's object and the job in it. */
export interface RunTicket {
  tenantId: string;
  jobId: string;
}

export interface RunRecord extends RunTicket, JobStepStats {
  /** Attempts at the current step: more than one means earlier attempts died (crash, kill, CPU limit). */
  attempts: number;
}

export interface LabelledVector {
  label: string;
  hash: string;
  vector: Float32Array;
}

/** SQLite in a Durable Object takes values up to 2 MB; checkpoints are stored in parts below that. */
const CHECKPOINT_PART_BYTES = 1 << 20;

const TABLES = [
  `CREATE TABLE IF NOT EXISTS run (
     tenant_id TEXT NOT NULL,
     job_id TEXT NOT NULL,
     steps INTEGER NOT NULL DEFAULT 0,
     attempts INTEGER NOT NULL DEFAULT 0,
     retries INTEGER NOT NULL DEFAULT 0,
     max_step_ms REAL NOT NULL DEFAULT 0,
     compute_ms REAL NOT NULL DEFAULT 0)`,
  "CREATE TABLE IF NOT EXISTS checkpoint_parts (part INTEGER PRIMARY KEY, bytes BLOB NOT NULL)",
  `CREATE TABLE IF NOT EXISTS vectors (
     vector_set TEXT NOT NULL,
     position INTEGER NOT NULL,
     label TEXT NOT NULL,
     hash TEXT NOT NULL,
     vector BLOB NOT NULL,
     PRIMARY KEY (vector_set, position))`,
  "CREATE TABLE IF NOT EXISTS activations (position INTEGER PRIMARY KEY, bytes BLOB NOT NULL)",
];

type RunRow = {
  tenant_id: string;
  job_id: string;
  steps: number;
  attempts: number;
  retries: number;
  max_step_ms: number;
  compute_ms: number;
};

export class RunnerState {
  private readonly sql: SqlStorage;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
  }

  /** The job this object runs; null before `begin` and after `erase` (when it holds no tables). */
  get run(): RunRecord | null {
    const tables = "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'run'";
    if (this.sql.exec<{ n: number }>(tables).one().n === 0) return null;
    const row = this.sql.exec<RunRow>("SELECT * FROM run").toArray()[0];
    return row
      ? {
          tenantId: row.tenant_id,
          jobId: row.job_id,
          steps: row.steps,
          attempts: row.attempts,
          retries: row.retries,
          maxStepMs: row.max_step_ms,
          computeMs: row.compute_ms,
        }
      : null;
  }

  begin(ticket: RunTicket): void {
    for (const statement of TABLES) this.sql.exec(statement);
    this.sql.exec(
      "INSERT INTO run (tenant_id, job_id) VALUES (?, ?)",
      ticket.tenantId,
      ticket.jobId,
    );
  }

  /** Stored before the step's work, so a step that dies counts even though nothing else was written. */
  countAttempt(): RunRecord {
    this.sql.exec(
      "UPDATE run SET attempts = attempts + 1, retries = retries + (CASE WHEN attempts > 0 THEN 1 ELSE 0 END)",
    );
    return this.run as RunRecord;
  }

  /** A step finished: its counters, and its checkpoint unless null (the stored one stays), together. */
  finishStep(checkpoint: Uint8Array | null, stepMs: number): RunRecord {
    this.storage.transactionSync(() => {
      if (checkpoint) this.writeCheckpoint(checkpoint);
      this.sql.exec(
        "UPDATE run SET steps = steps + 1, attempts = 0, max_step_ms = max(max_step_ms, ?), compute_ms = compute_ms + ?",
        stepMs,
        stepMs,
      );
    });
    return this.run as RunRecord;
  }

  private writeCheckpoint(checkpoint: Uint8Array): void {
    this.sql.exec("DELETE FROM checkpoint_parts");
    for (let part = 0; part * CHECKPOINT_PART_BYTES < checkpoint.length; part++) {
      const start = part * CHECKPOINT_PART_BYTES;
      this.sql.exec(
        "INSERT INTO checkpoint_parts (part, bytes) VALUES (?, ?)",
        part,
        checkpoint.slice(start, start + CHECKPOINT_PART_BYTES).buffer,
      );
    }
  }

  checkpoint(): Uint8Array | null {
    const parts = this.sql
      .exec<{ bytes: ArrayBuffer }>("SELECT bytes FROM checkpoint_parts ORDER BY part")
      .toArray();
    if (parts.length === 0) return null;
    const bytes = new Uint8Array(parts.reduce((sum, { bytes }) => sum + bytes.byteLength, 0));
    let offset = 0;
    for (const { bytes: part } of parts) {
      bytes.set(new Uint8Array(part), offset);
      offset += part.byteLength;
    }
    return bytes;
  }

  /** Appends to a working set; positions continue from its current size. */
  appendVectors(set: string, vectors: LabelledVector[]): void {
    this.storage.transactionSync(() => {
      let position = this.countVectors(set);
      for (const { label, hash, vector } of vectors) {
        this.sql.exec(
          "INSERT INTO vectors (vector_set, position, label, hash, vector) VALUES (?, ?, ?, ?, ?)",
          set,
          position++,
          label,
          hash,
          vector.slice().buffer,
        );
      }
    });
  }

  /** The hash of the set's last vector (null: none yet). */
  lastVectorHash(set: string): string | null {
    return (
      this.sql
        .exec<{ hash: string }>(
          "SELECT hash FROM vectors WHERE vector_set = ? ORDER BY position DESC LIMIT 1",
          set,
        )
        .toArray()[0]?.hash ?? null
    );
  }

  countVectors(set: string): number {
    return this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM vectors WHERE vector_set = ?", set)
      .one().n;
  }

  readVectors(set: string, offset = 0, limit = -1): LabelledVector[] {
    return this.sql
      .exec<{ label: string; hash: string; vector: ArrayBuffer }>(
        "SELECT label, hash, vector FROM vectors WHERE vector_set = ? ORDER BY position LIMIT ? OFFSET ?",
        set,
        limit,
        offset,
      )
      .toArray()
      .map((row) => ({ label: row.label, hash: row.hash, vector: new Float32Array(row.vector) }));
  }

  /** Appends encoded activations; positions continue from the count stored. */
  appendActivations(encoded: Uint8Array[]): void {
    this.storage.transactionSync(() => {
      let position = this.countActivations();
      for (const bytes of encoded) {
        this.sql.exec(
          "INSERT INTO activations (position, bytes) VALUES (?, ?)",
          position++,
          bytes.slice().buffer,
        );
      }
    });
  }

  countActivations(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM activations").one().n;
  }

  /** The encoded activations at `positions`, in that order. */
  readActivations(positions: ArrayLike<number>): Uint8Array[] {
    return Array.from(positions, (position) => {
      const row = this.sql
        .exec<{ bytes: ArrayBuffer }>("SELECT bytes FROM activations WHERE position = ?", position)
        .toArray()[0];
      if (!row) throw new Error(`runner: no activations at position ${position}`);
      return new Uint8Array(row.bytes);
    });
  }

  async erase(): Promise<void> {
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
  }
}
