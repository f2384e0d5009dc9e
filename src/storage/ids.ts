import { hex } from "../digests";

export type IdKind = "t" | "a" | "s" | "j" | "k";

/** A random id whose prefix tells its kind: t_ tenant, a_ adapter, s_ sample, j_ job, k_ key. */
export function newId(kind: IdKind): string {
  return `${kind}_${hex(crypto.getRandomValues(new Uint8Array(12)))}`;
}

/** Whether `value` has the shape of an id of `kind` (a request-supplied id, before it names a KV key). */
export function isIdOf(kind: IdKind, value: string): boolean {
  return new RegExp(`^${kind}_[0-9a-f]{24}$`).test(value);
}
