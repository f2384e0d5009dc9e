import type { Bindings } from "../env";
import type { TenantStore } from "../storage/tenant-store";

/** The registry object's name; tenant ids start with "t_", so no tenant can take it. */
const REGISTRY_NAME = "registry";

export function tenantStore(env: Bindings, tenantId: string): DurableObjectStub<TenantStore> {
  return env.TENANTS.getByName(tenantId);
}

export function registryStore(env: Bindings): DurableObjectStub<TenantStore> {
  return env.TENANTS.getByName(REGISTRY_NAME);
}
