import { echoId, Problem } from "../problem";
import { assertTrainingBudget, limitExceeded, TENANT_LIMITS } from "../tenant-limits";
import { newId } from "./ids";
import type { PageRequest } from "./page";
import type { NewSample, SampleCounts, SampleOutcome, SampleSummary } from "./records";

export interface DeletedSamples {
  deleted: number;
  /** R2 keys of the deleted samples' raw bytes, where they were kept. */
  rawKeys: string[];
  /** The deleted samples' content hashes (their cut activations, if any, are keyed by them). */
  contentHashes: string[];
}

/** A listed sample and its upload position (where the next page starts after it). */
export interface ListedSample {
  position: number;
  sample: SampleSummary;
}

export interface KnownSample {
  id: string;
  contentHash: string;
  label: string;
  /** Whether its raw upload is kept (false: sent while the tenant did not retain uploads). */
  retained: boolean;
}

export interface TrainingSample {
  features: Float32Array;
  label: string;
  hash: string;
}

/** Where a sample's raw upload is kept, for embedding it again with another backbone. */
export interface RawSampleRef {
  label: string;
  hash: string;
  /** Null when the tenant did not retain raw uploads at the time. */
  rawKey: string | null;
}

/** Labelled embeddings per adapter; the content hash is unique per adapter, so uploads deduplicate. */
export class SamplesTable {
  constructor(private readonly sql: SqlStorage) {}

  /** The samples the adapter already holds among these content hashes (the Worker skips embedding them). */
  known(adapterId: string, hashes: string[]): KnownSample[] {
    if (hashes.length === 0) return [];
    const placeholders = hashes.map(() => "?").join(", ");
    return this.sql
      .exec<{ id: string; content_hash: string; label: string; raw_key: string | null }>(
        `SELECT id, content_hash, label, raw_key FROM samples WHERE adapter_id = ? AND content_hash IN (${placeholders})`,
        adapterId,
        ...hashes,
      )
      .toArray()
      .map((row) => ({
        id: row.id,
        contentHash: row.content_hash,
        label: row.label,
        retained: row.raw_key !== null,
      }));
  }

  /** Records the raw uploads now kept for samples stored without one. */
  retain(adapterId: string, kept: { contentHash: string; rawKey: string }[]): void {
    for (const { contentHash, rawKey } of kept) {
      this.sql.exec(
        "UPDATE samples SET raw_key = ? WHERE adapter_id = ? AND content_hash = ? AND raw_key IS NULL",
        rawKey,
        adapterId,
        contentHash,
      );
    }
  }

  /**
   * Inserts new samples of an adapter whose embeddings have `dim` dimensions; the caller runs this in
   * a transaction so a refused batch leaves nothing.
   */
  add(adapterId: string, samples: NewSample[], now: string, dim: number): SampleOutcome[] {
    const outcomes = samples.map((sample) => this.insert(adapterId, sample, now));
    const counts = this.counts(adapterId);
    if (counts.total > TENANT_LIMITS.samplesPerAdapter) {
      const added = outcomes.filter((outcome) => outcome.status === "added").length;
      const room = Math.max(0, TENANT_LIMITS.samplesPerAdapter - (counts.total - added));
      throw limitExceeded(
        "samplesPerAdapter",
        `this upload would exceed the samples an adapter may hold: ${added} of it are new, and there is room for ${room} more`,
        { room },
      );
    }
    if (counts.labels.length > TENANT_LIMITS.labelsPerAdapter) {
      throw limitExceeded(
        "labelsPerAdapter",
        "this upload would exceed the labels an adapter may hold",
      );
    }
    assertTrainingBudget(
      { samples: counts.total, labels: counts.labels.length },
      dim,
      "this upload",
    );
    return outcomes;
  }

  /**
   * Per label, the samples the training protocol keeps once it has deduplicated: one per embedding
   * (texts the backbone cannot tell apart are one sample), under the label of its first copy in
   * content order, as a training reads them (`trainingPage`). So a text stored under two labels
   * counts for one of them only, as in the job. (SQLite takes a bare column of a min() query from
   * the row holding the minimum.)
   */
  distinctCounts(adapterId: string): SampleCounts {
    return this.labelCounts(
      adapterId,
      `SELECT label, count(*) AS count FROM (
         SELECT label, min(content_hash) FROM samples WHERE adapter_id = ? GROUP BY embedding
       ) GROUP BY label ORDER BY label`,
    );
  }

  counts(adapterId: string): SampleCounts {
    return this.labelCounts(
      adapterId,
      "SELECT label, count(*) AS count FROM samples WHERE adapter_id = ? GROUP BY label ORDER BY label",
    );
  }

  private labelCounts(adapterId: string, query: string): SampleCounts {
    const labels = this.sql.exec<{ label: string; count: number }>(query, adapterId).toArray();
    return { total: labels.reduce((sum, { count }) => sum + count, 0), labels };
  }

  /**
   * A page of the adapter's samples in upload order, of one label or of all, after the upload
   * position `page.after`. The position is the row's rowid: SQLite gives each insert one more than
   * the largest in the table, so it follows the order of uploads and of samples within one (a rowid
   * is reused only after the table's last row is deleted, and then it is still the largest).
   */
  list(adapterId: string, page: PageRequest<number>, label?: string): ListedSample[] {
    const byLabel =
      label === undefined
        ? { where: "1", bindings: [] }
        : { where: "label = ?", bindings: [label] };
    return this.sql
      .exec<SummaryRow & { position: number }>(
        `SELECT rowid AS position, id, label, content_hash, raw_key, created_at FROM samples
         WHERE adapter_id = ? AND ${byLabel.where} AND rowid > ?
         ORDER BY rowid LIMIT ?`,
        adapterId,
        ...byLabel.bindings,
        page.after ?? 0,
        page.limit,
      )
      .toArray()
      .map((row) => ({ position: row.position, sample: toSummary(row) }));
  }

  /** One sample and where its raw upload is kept (null when it was not retained). */
  get(adapterId: string, sampleId: string): SampleSummary & { rawKey: string | null } {
    const row = this.sql
      .exec<SummaryRow>(
        "SELECT id, label, content_hash, raw_key, created_at FROM samples WHERE adapter_id = ? AND id = ?",
        adapterId,
        sampleId,
      )
      .toArray()[0];
    if (!row) throw sampleNotFound(sampleId);
    return { ...toSummary(row), rawKey: row.raw_key };
  }

  /** In content order, not upload order: the same samples and seed always train the same head. */
  trainingSet(adapterId: string): TrainingSample[] {
    return this.sql
      .exec<{ label: string; content_hash: string; embedding: ArrayBuffer }>(
        "SELECT label, content_hash, embedding FROM samples WHERE adapter_id = ? ORDER BY content_hash",
        adapterId,
      )
      .toArray()
      .map((row) => ({
        features: new Float32Array(row.embedding),
        label: row.label,
        hash: row.content_hash,
      }));
  }

  /**
   * A page of `trainingSet` for a job runner that reads the samples over RPC: those stored by
   * `storedBy` (the job's creation), after the content hash `after`, in hash order. Keyset paging, so
   * a sample uploaded between pages neither shifts the pages nor joins the set.
   */
  trainingPage(
    adapterId: string,
    after: string | null,
    storedBy: string,
    limit: number,
  ): TrainingSample[] {
    return this.sql
      .exec<{ label: string; content_hash: string; embedding: ArrayBuffer }>(
        `SELECT label, content_hash, embedding FROM samples
         WHERE adapter_id = ? AND content_hash > ? AND created_at <= ?
         ORDER BY content_hash LIMIT ?`,
        adapterId,
        after ?? "",
        storedBy,
        limit,
      )
      .toArray()
      .map((row) => ({
        features: new Float32Array(row.embedding),
        label: row.label,
        hash: row.content_hash,
      }));
  }

  /** Holds a switch job's new embeddings until the switch commits (`commitStaged`) or ends. */
  stage(jobId: string, embeddings: { hash: string; vector: Float32Array }[]): void {
    for (const { hash, vector } of embeddings) {
      this.sql.exec(
        "INSERT OR REPLACE INTO staged_embeddings (job_id, content_hash, embedding) VALUES (?, ?, ?)",
        jobId,
        hash,
        toBlob(vector),
      );
    }
  }

  /** The hashes staged by a job, in content order. */
  stagedHashes(jobId: string): string[] {
    return this.sql
      .exec<{ content_hash: string }>(
        "SELECT content_hash FROM staged_embeddings WHERE job_id = ? ORDER BY content_hash",
        jobId,
      )
      .toArray()
      .map((row) => row.content_hash);
  }

  /** Moves a job's staged embeddings onto the adapter's samples (inside the switch's transaction). */
  commitStaged(jobId: string, adapterId: string): void {
    this.sql.exec(
      `UPDATE samples SET embedding = (
         SELECT embedding FROM staged_embeddings
         WHERE job_id = ? AND staged_embeddings.content_hash = samples.content_hash)
       WHERE adapter_id = ?`,
      jobId,
      adapterId,
    );
    this.dropStaged(jobId);
  }

  dropStaged(jobId: string): void {
    this.sql.exec("DELETE FROM staged_embeddings WHERE job_id = ?", jobId);
  }

  /**
   * Every sample's label and raw upload, in content order (as `trainingPage`); with `storedBy`, only
   * those stored by then.
   */
  rawSamples(adapterId: string, storedBy?: string): RawSampleRef[] {
    const stored = storedBy === undefined ? "" : "AND created_at <= ?";
    return this.sql
      .exec<{ label: string; content_hash: string; raw_key: string | null }>(
        `SELECT label, content_hash, raw_key FROM samples WHERE adapter_id = ? ${stored} ORDER BY content_hash`,
        adapterId,
        ...(storedBy === undefined ? [] : [storedBy]),
      )
      .toArray()
      .map((row) => ({ label: row.label, hash: row.content_hash, rawKey: row.raw_key }));
  }

  deleteById(adapterId: string, sampleId: string): DeletedSamples {
    const deleted = this.deleteWhere("adapter_id = ? AND id = ?", adapterId, sampleId);
    if (deleted.deleted === 0) throw sampleNotFound(sampleId);
    return deleted;
  }

  deleteByLabel(adapterId: string, label: string): DeletedSamples {
    return this.deleteWhere("adapter_id = ? AND label = ?", adapterId, label);
  }

  deleteAll(adapterId: string): void {
    this.sql.exec("DELETE FROM samples WHERE adapter_id = ?", adapterId);
  }

  private insert(adapterId: string, sample: NewSample, now: string): SampleOutcome {
    const inserted = this.sql
      .exec<{ id: string }>(
        `INSERT INTO samples (id, adapter_id, label, content_hash, embedding, raw_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (adapter_id, content_hash) DO NOTHING RETURNING id`,
        newId("s"),
        adapterId,
        sample.label,
        sample.contentHash,
        toBlob(sample.embedding),
        sample.rawKey,
        now,
      )
      .toArray()[0];
    if (inserted) return { status: "added", id: inserted.id };
    const existing = this.sql
      .exec<{ id: string; label: string }>(
        "SELECT id, label FROM samples WHERE adapter_id = ? AND content_hash = ?",
        adapterId,
        sample.contentHash,
      )
      .one();
    return { status: "duplicate", id: existing.id, label: existing.label };
  }

  private deleteWhere(condition: string, ...bindings: string[]): DeletedSamples {
    const rows = this.sql
      .exec<{ raw_key: string | null; content_hash: string }>(
        `DELETE FROM samples WHERE ${condition} RETURNING raw_key, content_hash`,
        ...bindings,
      )
      .toArray();
    return {
      deleted: rows.length,
      rawKeys: rows.flatMap((row) => (row.raw_key ? [row.raw_key] : [])),
      contentHashes: rows.map((row) => row.content_hash),
    };
  }
}

type SummaryRow = {
  id: string;
  label: string;
  content_hash: string;
  raw_key: string | null;
  created_at: string;
};

function toSummary(row: SummaryRow): SampleSummary {
  return {
    id: row.id,
    label: row.label,
    contentHash: row.content_hash,
    retained: row.raw_key !== null,
    createdAt: row.created_at,
  };
}

function sampleNotFound(sampleId: string): Problem {
  return new Problem(404, "sample-not-found", `no sample ${echoId(sampleId)} in this adapter`);
}

function toBlob(embedding: Float32Array): ArrayBuffer {
  const { buffer, byteOffset, byteLength } = embedding;
  return buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer;
}
