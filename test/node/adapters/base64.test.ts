import { describe, expect, it } from "vitest";
import {
  base64ToBytes,
  base64UrlToBytes,
  bytesToBase64,
  bytesToBase64Url,
} from "../../../adapters/serialization/base64";

describe("base64 of bytes", () => {
  it("agrees with Node's Buffer across the encoder's slices (an inline head's size bound included)", () => {
    for (const length of [0, 1, 2, 0x2000 - 1, 0x2000 + 3, 64 * 1024]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + (i >> 8)) % 256);
      const base64 = bytesToBase64(bytes);
      expect(base64).toBe(Buffer.from(bytes).toString("base64"));
      expect(base64ToBytes(base64)).toEqual(bytes);
      const base64url = bytesToBase64Url(bytes);
      expect(base64url).toBe(Buffer.from(bytes).toString("base64url"));
      expect(base64UrlToBytes(base64url)).toEqual(bytes);
    }
  });

  it("throws on text that is not base64", () => {
    expect(() => base64ToBytes("not base64!")).toThrow();
    expect(() => base64UrlToBytes("a")).toThrow();
  });
});
