import { describe, expect, it } from "vitest";
import { decodeInlineHead, encodeInlineHead } from "../../../src/storage/inline-head";

describe("a head carried in its serving record", () => {
  it("comes back byte for byte, across the encoder's slices and at the size bound", () => {
    for (const length of [0, 1, 0x2000 + 3, 64 * 1024]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + (i >> 8)) % 256);
      const encoded = encodeInlineHead(bytes);
      expect(encoded).toBe(Buffer.from(bytes).toString("base64"));
      expect(decodeInlineHead(encoded)).toEqual(bytes);
    }
  });
});
