import { AdaptersTable } from "./adapters-table";
import { JobsTable } from "./jobs-table";
import { KeysTable } from "./keys-table";
import { RegistryTable } from "./registry-table";
import { SamplesTable } from "./samples-table";
import { migrate } from "./schema";
import { TenantTable } from "./tenant-table";
import { VersionsTable } from "./versions-table";

/** The tables of one `TenantStore` object over its SQLite storage. */
export class TenantState {
  readonly registry: RegistryTable;
  readonly tenant: TenantTable;
  readonly keys: KeysTable;
  readonly adapters: AdaptersTable;
  readonly samples: SamplesTable;
  readonly jobs: JobsTable;
  readonly versions: VersionsTable;

  constructor(private readonly storage: DurableObjectStorage) {
    const { sql } = storage;
    migrate(sql);
    this.registry = new RegistryTable(sql);
    this.tenant = new TenantTable(sql);
    this.keys = new KeysTable(sql);
    this.adapters = new AdaptersTable(sql);
    this.samples = new SamplesTable(sql);
    this.jobs = new JobsTable(sql);
    this.versions = new VersionsTable(sql);
  }

  /** All or nothing: a thrown error (a `Problem` included) rolls every statement back. */
  transaction<T>(work: () => T): T {
    return this.storage.transactionSync(work);
  }

  /** Forgets everything, then recreates the empty tables so the object keeps working. */
  async erase(): Promise<void> {
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    migrate(this.storage.sql);
  }
}
