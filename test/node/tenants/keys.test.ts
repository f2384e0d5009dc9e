import { describe, expect, it } from "vitest";
import { constantTimeEqual, constantTimeEqualHex, sha256Hex } from "../../../src/digests";
import { newId } from "../../../src/storage/ids";
import { issueApiKey, tenantIdOfKey } from "../../../src/tenants/keys";

const TENANT = "t_0123456789abcdef01234567";

describe("API keys", () => {
  it("carry the tenant id and 256 random bits, and are stored as their SHA-256", async () => {
    const issued = await issueApiKey(TENANT);
    expect(issued.key).toMatch(/^eak_t_0123456789abcdef01234567_[A-Za-z0-9_-]{43}$/);
    expect(issued.hash).toBe(await sha256Hex(issued.key));
    expect(issued.key.startsWith(issued.hint)).toBe(true);
    // The hint shows 4 of the 43 secret characters: enough to tell keys apart, useless to guess one.
    expect(issued.key.length - issued.hint.length).toBe(39);
  });

  it("never repeat", async () => {
    const keys = await Promise.all(Array.from({ length: 200 }, () => issueApiKey(TENANT)));
    expect(new Set(keys.map((issued) => issued.key)).size).toBe(200);
  });

  it("name their tenant, and anything else names none", async () => {
    const { key } = await issueApiKey(TENANT);
    expect(tenantIdOfKey(key)).toBe(TENANT);
    for (const bad of [
      "",
      "Bearer x",
      `eak_${TENANT}`,
      `eak_${TENANT}_short`,
      `${key}x`,
      key.replace("eak_", "xak_"),
    ]) {
      expect(tenantIdOfKey(bad)).toBeUndefined();
    }
  });

  it("tenant ids match the shape keys expect", async () => {
    const tenantId = newId("t");
    expect(tenantIdOfKey((await issueApiKey(tenantId)).key)).toBe(tenantId);
  });
});

describe("hashing and comparison", () => {
  it("sha256Hex matches the standard test vector, for text and bytes", async () => {
    const abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    expect(await sha256Hex("abc")).toBe(abc);
    expect(await sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe(abc);
  });

  it("constantTimeEqual tells equal from different secrets of any length", async () => {
    expect(await constantTimeEqual("dev-admin-token", "dev-admin-token")).toBe(true);
    expect(await constantTimeEqual("dev-admin-token", "dev-admin-tokeN")).toBe(false);
    expect(await constantTimeEqual("dev-admin-token", "dev")).toBe(false);
    expect(await constantTimeEqual("", "x")).toBe(false);
  });

  it("constantTimeEqualHex refuses different lengths and finds a difference in the last character", () => {
    expect(constantTimeEqualHex("abcd", "abcd")).toBe(true);
    expect(constantTimeEqualHex("abcd", "abce")).toBe(false);
    expect(constantTimeEqualHex("abcd", "abc")).toBe(false);
  });
});
