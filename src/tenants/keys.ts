/**
 * Tenant API keys: `eak_<tenantId>_<secret>`, the secret being 256 random bits in base64url. Only the
 * SHA-256 of a key is stored. The tenant id is readable from the key so that a request is
 * authenticated by that tenant's own Durable Object, not by one global lookup table.
 */

import { bytesToBase64Url } from "../../adapters";
import { sha256Hex } from "../digests";
import { KEY_PREFIX } from "./key-shape";

export { tenantIdOfKey } from "./key-shape";

const SECRET_BYTES = 32;

export interface IssuedKey {
  /** The full key, shown to the caller once. */
  key: string;
  /** Hex SHA-256 of the key: the only form that is stored. */
  hash: string;
  /** A short, non-secret prefix that lets a person tell keys apart in a listing. */
  hint: string;
}

export async function issueApiKey(tenantId: string): Promise<IssuedKey> {
  const secret = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
  const key = `${KEY_PREFIX}${tenantId}_${secret}`;
  return {
    key,
    hash: await sha256Hex(key),
    hint: key.slice(0, KEY_PREFIX.length + tenantId.length + 5),
  };
}
