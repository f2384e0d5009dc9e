/**
 * The documented limits of the tenant API (the body size limit is the app-wide one in src/limits.ts).
 * A request over one gets a problem with the limit's name and value, so a client knows which it hit.
 */

import { LIMITS as HEAD_LIMITS } from "../../adapters";
import { Problem } from "../problem";

export const TENANT_LIMITS = {
  /** Samples in one upload request (the duplicate check binds one SQL parameter each; SQLite in a Durable Object takes 100). */
  samplesPerRequest: 64,
  /** Inputs in one predict request. */
  inputsPerPrediction: 64,
  /** Samples stored per adapter. */
  samplesPerAdapter: 5_000,
  /** Distinct labels per adapter: as many classes as a head can learn. */
  labelsPerAdapter: HEAD_LIMITS.maxClasses,
  /** Characters in one label. */
  labelLength: HEAD_LIMITS.maxLabelLength,
  /** Tenants of one deployment (the registry lists them all). */
  tenants: 10_000,
  adaptersPerTenant: 50,
  keysPerTenant: 10,
} as const;

export type TenantLimit = keyof typeof TENANT_LIMITS;

export function limitExceeded(limit: TenantLimit, detail: string): Problem {
  const max = TENANT_LIMITS[limit];
  return new Problem(422, "limit-exceeded", `${detail} (limit ${limit} = ${max})`, { limit, max });
}
