/**
 * Tenant API keys: `eak_<tenantId>_<secret>`, the secret being 256 random bits in base64url. Only the
 * SHA-256 of a key is stored. The tenant id is readable from the key so that a request is
 * authenticated by that tenant's own Durable Object, not by one global lookup table.
 */

import { bytesToBase64Url } from "../../adapters";
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

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return hex(new Uint8Array(digest));
}

/**
 * Compares two secrets without an early exit. Both sides are hashed first so that neither the length
 * nor the position of the first difference shows in the time taken.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [left, right] = await Promise.all([sha256Hex(a), sha256Hex(b)]);
  return constantTimeEqualHex(left, right);
}

/** Compares two equal-length hex digests by OR-ing every byte difference. */
export function constantTimeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) {
    difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  }
  return difference === 0;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
