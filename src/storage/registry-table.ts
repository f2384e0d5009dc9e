import type { TenantRecord } from "./records";

type TenantRow = { id: string; name: string; created_at: string };

/** The registry's list of tenants; each tenant's own state lives in its own object. */
export class RegistryTable {
  constructor(private readonly sql: SqlStorage) {}

  add(tenant: TenantRecord): void {
    this.sql.exec(
      "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
      tenant.id,
      tenant.name,
      tenant.createdAt,
    );
  }

  list(): { id: string; name: string; createdAt: string }[] {
    return this.sql
      .exec<TenantRow>("SELECT id, name, created_at FROM tenants ORDER BY created_at, id")
      .toArray()
      .map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at }));
  }

  remove(id: string): boolean {
    return this.sql.exec("DELETE FROM tenants WHERE id = ?", id).rowsWritten > 0;
  }
}
