import type { ServingRecordRef } from "./serving-records";

type OutboxRow = { kind: "key" | "adapter"; tenant_id: string; id: string; revision: number };

/** A record to write, and which change of it this is. */
export interface PendingRecord {
  ref: ServingRecordRef;
  revision: number;
}

/**
 * Serving records (./serving-records.ts) that changed and are not yet written to KV. A change marks
 * its record in the same SQLite transaction that makes it, so a write to KV that fails, or an object
 * that stops before it, is retried (src/objects/serving-publisher.ts) rather than lost. Each mark
 * counts a revision: a record changed again while it was being written stays pending.
 */
export class ServingOutbox {
  constructor(private readonly sql: SqlStorage) {}

  mark(ref: ServingRecordRef): void {
    this.sql.exec(
      `INSERT INTO serving_outbox (kind, tenant_id, id, revision) VALUES (?, ?, ?, 1)
       ON CONFLICT (kind, id) DO UPDATE SET revision = revision + 1`,
      ref.kind,
      ref.tenantId,
      idOf(ref),
    );
  }

  pending(): PendingRecord[] {
    return this.sql
      .exec<OutboxRow>("SELECT kind, tenant_id, id, revision FROM serving_outbox")
      .toArray()
      .map((row) => ({ ref: toRef(row), revision: row.revision }));
  }

  /** The record is written as it was at `revision`; a later change keeps it pending. */
  written({ ref, revision }: PendingRecord): void {
    this.sql.exec(
      "DELETE FROM serving_outbox WHERE kind = ? AND id = ? AND revision = ?",
      ref.kind,
      idOf(ref),
      revision,
    );
  }
}

function idOf(ref: ServingRecordRef): string {
  return ref.kind === "key" ? ref.keyHash : ref.adapterId;
}

function toRef(row: OutboxRow): ServingRecordRef {
  return row.kind === "key"
    ? { kind: "key", tenantId: row.tenant_id, keyHash: row.id }
    : { kind: "adapter", tenantId: row.tenant_id, adapterId: row.id };
}
