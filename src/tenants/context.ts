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

/** The environment of the prediction route: the tenant and the adapter named in the path. */
export interface AdapterEnv {
  Bindings: AppEnv["Bindings"];
  Variables: TenantEnv["Variables"] & { adapter: AdapterRecord };
}
