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
  readonly registry: RegistryTable;
  readonly tenant: TenantTable;
  readonly keys: KeysTable;
  readonly adapters: AdaptersTable;
  readonly samples: SamplesTable;
  readonly jobs: JobsTable;
  readonly versions: VersionsTable;
  readonly serving: ServingOutbox;

  private initialized: boolean;

  constructor(private readonly storage: DurableObjectStorage) {
    const { sql } = storage;
    this.initialized = hasSchema(sql);
    // Existing objects get tables added by later versions of the schema.
    if (this.initialized) migrate(sql);
    this.registry = new RegistryTable(sql);
    this.tenant = new TenantTable(sql);
    this.keys = new KeysTable(sql);
    this.adapters = new AdaptersTable(sql);
    this.samples = new SamplesTable(sql);
    this.jobs = new JobsTable(sql);
    this.versions = new VersionsTable(sql);
    this.serving = new ServingOutbox(sql);
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
    if (!this.initialized) throw new Problem(404, "tenant-not-found", "this tenant does not exist");
    return this.tenant.get();
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
