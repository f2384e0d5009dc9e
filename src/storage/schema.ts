/**
 * The SQLite schema of a `TenantStore` Durable Object. Every statement is idempotent and runs when an
 * object that already has tables starts, so an old object gains the tables added since.
 */

const TENANT_TABLES = [
  `CREATE TABLE IF NOT EXISTS tenant (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     retain_raw_samples INTEGER NOT NULL,
     created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS api_keys (
     id TEXT PRIMARY KEY,
     hash TEXT NOT NULL UNIQUE,
     hint TEXT NOT NULL,
     created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS adapters (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     backbone TEXT NOT NULL,
     backbone_version TEXT NOT NULL,
     weights_hash TEXT NOT NULL,
     dim INTEGER NOT NULL,
     head_type TEXT NOT NULL,
     active_version INTEGER,
     next_version INTEGER NOT NULL DEFAULT 1,
     created_at TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS samples (
     id TEXT PRIMARY KEY,
     adapter_id TEXT NOT NULL,
     label TEXT NOT NULL,
     content_hash TEXT NOT NULL,
     embedding BLOB NOT NULL,
     raw_key TEXT,
     created_at TEXT NOT NULL,
     UNIQUE (adapter_id, content_hash))`,
  "CREATE INDEX IF NOT EXISTS samples_by_label ON samples (adapter_id, label)",
  // SQLite ends every index with the rowid, which grows with each insert: this one lists an
  // adapter's samples in upload order (samples_by_label, one label's). It replaces an index on
  // (adapter_id, created_at, id), which ordered one request's samples by their random ids.
  "CREATE INDEX IF NOT EXISTS samples_in_upload_order ON samples (adapter_id)",
  "DROP INDEX IF EXISTS samples_by_upload",
  `CREATE TABLE IF NOT EXISTS jobs (
     id TEXT PRIMARY KEY,
     adapter_id TEXT NOT NULL,
     status TEXT NOT NULL,
     request TEXT NOT NULL,
     stage TEXT,
     fraction REAL NOT NULL DEFAULT 0,
     message TEXT,
     error TEXT,
     version INTEGER,
     created_at TEXT NOT NULL,
     started_at TEXT,
     finished_at TEXT)`,
  // The database itself refuses a second live job for an adapter, whatever the code above it does.
  `CREATE UNIQUE INDEX IF NOT EXISTS one_live_job_per_adapter
     ON jobs (adapter_id) WHERE status IN ('queued', 'running')`,
  // A switch job's new embeddings, sent by its runner page by page before the switch commits.
  `CREATE TABLE IF NOT EXISTS staged_embeddings (
     job_id TEXT NOT NULL,
     content_hash TEXT NOT NULL,
     embedding BLOB NOT NULL,
     PRIMARY KEY (job_id, content_hash))`,
  `CREATE TABLE IF NOT EXISTS versions (
     adapter_id TEXT NOT NULL,
     version INTEGER NOT NULL,
     job_id TEXT NOT NULL,
     head_type TEXT NOT NULL,
     head_key TEXT NOT NULL,
     head_bytes INTEGER NOT NULL,
     report TEXT NOT NULL,
     created_at TEXT NOT NULL,
     PRIMARY KEY (adapter_id, version))`,
  // Serving records (src/storage/serving-records.ts) changed here and not yet written to KV.
  `CREATE TABLE IF NOT EXISTS serving_outbox (
     kind TEXT NOT NULL,
     tenant_id TEXT NOT NULL,
     id TEXT NOT NULL,
     revision INTEGER NOT NULL,
     PRIMARY KEY (kind, id))`,
];

/**
 * Columns added to tenant tables after they were first created. SQLite has no ADD COLUMN IF NOT
 * EXISTS, so `migrate` adds each one only where it is missing.
 */
const ADDED_COLUMNS: readonly { table: string; column: string; definition: string }[] = [
  // The adapter's cut layer; null (adapters made before layers were chosen) means the default one.
  { table: "adapters", column: "layer", definition: "TEXT" },
  // A fusion's block dims (JSON); null for one backbone.
  { table: "adapters", column: "blocks", definition: "TEXT" },
  { table: "jobs", column: "kind", definition: "TEXT NOT NULL DEFAULT 'training'" },
  // A selection job's report (JSON).
  { table: "jobs", column: "report", definition: "TEXT" },
  // What a head version was trained on, so activating it can refuse a head from another backbone.
  { table: "versions", column: "backbone", definition: "TEXT" },
  { table: "versions", column: "weights_hash", definition: "TEXT" },
  { table: "versions", column: "layer", definition: "TEXT" },
  // Step statistics of jobs run in bounded steps (src/objects/job-runner.ts).
  { table: "jobs", column: "steps", definition: "INTEGER NOT NULL DEFAULT 0" },
  { table: "jobs", column: "retries", definition: "INTEGER NOT NULL DEFAULT 0" },
  { table: "jobs", column: "max_step_ms", definition: "REAL NOT NULL DEFAULT 0" },
  { table: "jobs", column: "compute_ms", definition: "REAL NOT NULL DEFAULT 0" },
  // The Idempotency-Key a job was started with, and the request body it came with (JSON).
  { table: "jobs", column: "idempotency_key", definition: "TEXT" },
  { table: "jobs", column: "idempotency_body", definition: "TEXT" },
];

/** Indexes on added columns: created once the columns exist. */
const INDEXES_ON_ADDED_COLUMNS = [
  // One job per key and adapter, whatever the code above it does.
  `CREATE UNIQUE INDEX IF NOT EXISTS jobs_by_idempotency_key
     ON jobs (adapter_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
];

/**
 * Versions written before they recorded their backbone were all trained on their adapter's, since an
 * adapter could not switch backbones then.
 */
const BACKFILL_VERSION_BINDINGS = `UPDATE versions SET
   backbone = (SELECT backbone FROM adapters WHERE adapters.id = versions.adapter_id),
   weights_hash = (SELECT weights_hash FROM adapters WHERE adapters.id = versions.adapter_id)
 WHERE backbone IS NULL`;

/** The registry is the one object named `REGISTRY_NAME`: it lists tenants, nothing else. */
const REGISTRY_TABLES = [
  `CREATE TABLE IF NOT EXISTS tenants (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     created_at TEXT NOT NULL)`,
];

/** Whether this object was ever made a tenant or the registry (and not erased since). */
export function hasSchema(sql: SqlStorage): boolean {
  const query =
    "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('tenant', 'tenants')";
  return sql.exec<{ n: number }>(query).one().n > 0;
}

export function migrate(sql: SqlStorage): void {
  for (const statement of [...TENANT_TABLES, ...REGISTRY_TABLES]) sql.exec(statement);
  for (const { table, column, definition } of ADDED_COLUMNS) {
    if (!hasColumn(sql, table, column)) {
      sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
    }
  }
  for (const statement of INDEXES_ON_ADDED_COLUMNS) sql.exec(statement);
  sql.exec(BACKFILL_VERSION_BINDINGS);
}

function hasColumn(sql: SqlStorage, table: string, column: string): boolean {
  return sql
    .exec<{ name: string }>(`PRAGMA table_info(${table})`)
    .toArray()
    .some((row) => row.name === column);
}
