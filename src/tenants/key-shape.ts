/**
 * What a tenant API key looks like, `eak_<tenantId>_<secret>`: shared by the API (./keys.ts) and the
 * console, which keeps a tenant's drafts under the tenant its key names.
 */

export const KEY_PREFIX = "eak_";
const KEY_SHAPE = /^eak_(t_[0-9a-f]{24})_[A-Za-z0-9_-]{43}$/;

/** The tenant a key claims to belong to, or undefined when the key is not shaped like one of ours. */
export function tenantIdOfKey(key: string): string | undefined {
  return KEY_SHAPE.exec(key)?.[1];
}
