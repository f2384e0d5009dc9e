import { limitExceeded, TENANT_LIMITS } from "../tenant-limits";
import { type CreatedPosition, createdAfter, type PageRequest } from "./page";
import type { TenantRecord } from "./records";

type TenantRow = { id: string; name: string; created_at: string };

/** The registry's list of tenants; each tenant's own state lives in its own object. */
export class RegistryTable {
  constructor(private readonly sql: SqlStorage) {}

  add(tenant: TenantRecord, maxTenants: number = TENANT_LIMITS.tenants): void {
    const count = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM tenants").one().n;
    if (count >= maxTenants) {
      throw limitExceeded("tenants", "this deployment already has the most tenants allowed");
    }
    this.sql.exec(
      "INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?)",
      tenant.id,
      tenant.name,
      tenant.createdAt,
    );
  }

  list(page: PageRequest<CreatedPosition>): { id: string; name: string; createdAt: string }[] {
    const { where, bindings } = createdAfter(page.after);
    return this.sql
      .exec<TenantRow>(
        `SELECT id, name, created_at FROM tenants WHERE ${where} ORDER BY created_at, id LIMIT ?`,
        ...bindings,
        page.limit,
      )
      .toArray()
      .map((row) => ({ id: row.id, name: row.name, createdAt: row.created_at }));
  }

  remove(id: string): boolean {
    return this.sql.exec("DELETE FROM tenants WHERE id = ?", id).rowsWritten > 0;
  }
}
