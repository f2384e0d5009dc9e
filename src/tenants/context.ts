import type { AppEnv } from "../env";
import type { TenantRecord } from "../storage/records";
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
