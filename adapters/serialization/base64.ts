/**
 * Bytes ↔ base64 (RFC 4648 §4) and base64url (§5, unpadded) with the web platform's btoa/atob,
 * which every host has (workerd has no Buffer without nodejs_compat; Node 20 has no
 * Uint8Array.fromBase64).
 */

/** btoa takes a binary string; building it in slices keeps each fromCharCode's argument list short. */
const SLICE = 0x2000;

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let start = 0; start < bytes.length; start += SLICE) {
    binary += String.fromCharCode(...bytes.subarray(start, start + SLICE));
  }
  return btoa(binary);
}

/** Throws a DOMException (InvalidCharacterError) on text that is not base64. */
export function base64ToBytes(base64: string): Uint8Array {
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  return bytesToBase64(bytes).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Throws a DOMException (InvalidCharacterError) on text that is not base64url. */
export function base64UrlToBytes(base64url: string): Uint8Array {
  return base64ToBytes(base64url.replaceAll("-", "+").replaceAll("_", "/"));
}
