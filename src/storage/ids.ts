import { hex } from "../tenants/keys";

export type IdKind = "t" | "a" | "s" | "j" | "k";

/** A random id whose prefix tells its kind: t_ tenant, a_ adapter, s_ sample, j_ job, k_ key. */
export function newId(kind: IdKind): string {
  return `${kind}_${hex(crypto.getRandomValues(new Uint8Array(12)))}`;
}
