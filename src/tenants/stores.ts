import type { Bindings } from "../env";
import type { TenantStore } from "../objects/tenant-store";

/** The registry object's name; tenant ids start with "t_", so no tenant can take it. */
const REGISTRY_NAME = "registry";

/**
 * The object's RPC methods as the Worker calls them. workers-types turns fields typed `unknown`
 * (training reports, hyperparameters) into `never`, so the client is typed from the class itself;
 * every method takes and returns plain, structured-clonable records (src/storage/records.ts).
 */
export type TenantStoreClient = {
  [K in keyof TenantStore as TenantStore[K] extends (...args: never[]) => unknown
    ? K
    : never]: TenantStore[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

export function tenantStore(env: Bindings, tenantId: string): TenantStoreClient {
  return env.TENANTS.getByName(tenantId) as unknown as TenantStoreClient;
}

export function registryStore(env: Bindings): TenantStoreClient {
  return env.TENANTS.getByName(REGISTRY_NAME) as unknown as TenantStoreClient;
}
