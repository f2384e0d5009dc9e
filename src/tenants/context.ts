import type { AppEnv } from "../env";
import type { AdapterRecord, TenantRecord } from "../storage/records";
import type { TenantStoreClient } from "./stores";

/** The tenant a request was authenticated as, with the stub of its Durable Object. */
export interface TenantContext extends TenantRecord {
  store: TenantStoreClient;
}

/** The environment of tenant routes: the app's, plus the authenticated tenant. */
export interface TenantEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & { tenant: TenantContext };
}

/**
 * The environment of the prediction route: the tenant's id and the adapter named in the path, as the
 * serving records hold them (src/tenants/serving.ts; no call to the tenant's object).
 */
export interface AdapterEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & { tenantId: string; adapter: AdapterRecord };
}
