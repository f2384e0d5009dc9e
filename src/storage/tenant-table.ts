import { Problem } from "../problem";
import type { TenantRecord } from "./records";

type TenantRow = { id: string; name: string; retain_raw_samples: number; created_at: string };

/** The one row that says which tenant this object holds and how it is configured. */
export class TenantTable {
  constructor(private readonly sql: SqlStorage) {}

  create(tenant: TenantRecord): void {
    this.sql.exec(
      "INSERT INTO tenant (id, name, retain_raw_samples, created_at) VALUES (?, ?, ?, ?)",
      tenant.id,
      tenant.name,
      tenant.retainRawSamples ? 1 : 0,
      tenant.createdAt,
    );
  }

  find(): TenantRecord | undefined {
    const row = this.sql.exec<TenantRow>("SELECT * FROM tenant").toArray()[0];
    return row && toTenant(row);
  }

  get(): TenantRecord {
    const tenant = this.find();
    if (!tenant) throw new Problem(404, "tenant-not-found", "this tenant does not exist");
    return tenant;
  }

  update(changes: { name?: string; retainRawSamples?: boolean }): TenantRecord {
    const tenant = { ...this.get(), ...changes };
    this.sql.exec(
      "UPDATE tenant SET name = ?, retain_raw_samples = ?",
      tenant.name,
      tenant.retainRawSamples ? 1 : 0,
    );
    return tenant;
  }
}

function toTenant(row: TenantRow): TenantRecord {
  return {
    id: row.id,
    name: row.name,
    retainRawSamples: row.retain_raw_samples === 1,
    createdAt: row.created_at,
  };
}
