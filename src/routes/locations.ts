/** Where a created resource or an accepted job is read: the `Location` of a 201 or a 202. */

import type { Context } from "hono";

const PATHS = {
  tenant: (id: string) => `/v1/tenants/${id}`,
  adapter: (id: string) => `/v1/adapters/${id}`,
  job: (id: string) => `/v1/jobs/${id}`,
} as const;

/** Sets the response's `Location` to the `kind` resource `id`; returns the value, for chaining. */
export function locate<T extends { id: string }>(
  c: Context,
  kind: keyof typeof PATHS,
  value: T,
): T {
  c.header("location", PATHS[kind](encodeURIComponent(value.id)));
  return value;
}
