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
];

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
}
