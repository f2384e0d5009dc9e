import { Problem } from "../problem";
import { AdaptersTable } from "./adapters-table";
import { JobsTable } from "./jobs-table";
import { KeysTable } from "./keys-table";
import type { TenantRecord } from "./records";
import { RegistryTable } from "./registry-table";
import { SamplesTable } from "./samples-table";
import { hasSchema, migrate } from "./schema";
import { ServingOutbox } from "./serving-outbox";
import { TenantTable } from "./tenant-table";
import { VersionsTable } from "./versions-table";

/**
 * The tables of one `TenantStore` object over its SQLite storage. The tables are created when the
 * object becomes a tenant (or the registry), not when it is merely addressed: a request with a
 * forged key for an unknown tenant then leaves nothing stored, and neither does a deleted tenant.
 */
export class TenantState {
  private readonly tables: {
    registry: RegistryTable;
    tenant: TenantTable;
    keys: KeysTable;
    adapters: AdaptersTable;
    samples: SamplesTable;
    jobs: JobsTable;
    versions: VersionsTable;
    serving: ServingOutbox;
  };

  private initialized: boolean;

  constructor(private readonly storage: DurableObjectStorage) {
    const { sql } = storage;
    this.initialized = hasSchema(sql);
    // Existing objects get tables added by later versions of the schema.
    if (this.initialized) migrate(sql);
    this.tables = {
      registry: new RegistryTable(sql),
      tenant: new TenantTable(sql),
      keys: new KeysTable(sql),
      adapters: new AdaptersTable(sql),
      samples: new SamplesTable(sql),
      jobs: new JobsTable(sql),
      versions: new VersionsTable(sql),
      serving: new ServingOutbox(sql),
    };
  }

  // The tables, once they exist: a request that was let in just before the tenant was erased (an
  // upload still embedding) finds it gone, as a 404, rather than SQLite's "no such table".
  get registry(): RegistryTable {
    return this.existing(this.tables.registry);
  }
  get tenant(): TenantTable {
    return this.existing(this.tables.tenant);
  }
  get keys(): KeysTable {
    return this.existing(this.tables.keys);
  }
  get adapters(): AdaptersTable {
    return this.existing(this.tables.adapters);
  }
  get samples(): SamplesTable {
    return this.existing(this.tables.samples);
  }
  get jobs(): JobsTable {
    return this.existing(this.tables.jobs);
  }
  get versions(): VersionsTable {
    return this.existing(this.tables.versions);
  }
  get serving(): ServingOutbox {
    return this.existing(this.tables.serving);
  }

  get exists(): boolean {
    return this.initialized;
  }

  initialize(): void {
    migrate(this.storage.sql);
    this.initialized = true;
  }

  findTenant(): TenantRecord | undefined {
    return this.initialized ? this.tenant.find() : undefined;
  }

  /** The tenant this object holds; 404 when it holds none. */
  requireTenant(): TenantRecord {
    return this.tenant.get();
  }

  private existing<Table>(table: Table): Table {
    if (!this.initialized) throw new Problem(404, "tenant-not-found", "this tenant does not exist");
    return table;
  }

  /** All or nothing: a thrown error (a `Problem` included) rolls every statement back. */
  transaction<T>(work: () => T): T {
    return this.storage.transactionSync(work);
  }

  /** Forgets everything, tables included, as if the object had never been a tenant. */
  async erase(): Promise<void> {
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    this.initialized = false;
  }
}
