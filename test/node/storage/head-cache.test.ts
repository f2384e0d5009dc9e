/**
 * The head cache counts a finetune head by the bytes its decoded top holds, so a few of them cannot
 * crowd the backbone out of the isolate: the least recently used go first, the head just asked
 * for stays.
 */

import { describe, expect, it } from "vitest";
import { FinetuneHead } from "../../../adapters";
import { topLayout } from "../../../adapters/finetune/layout";
import {
  headCacheUsage,
  loadHead,
  MAX_CACHED_HEAD_BYTES,
  rememberHeadBytes,
} from "../../../src/storage/head-cache";

const BACKBONE = { id: "synthetic", weightsHash: "none", dim: 1024 };

/** A finetune head whose float64 parameters take about 8.4 MB (a 1024 × 1024 top). */
function largeFinetuneHead(): Uint8Array {
  const layout = topLayout(1, 1024, 1024, 2);
  const theta = Float64Array.from({ length: layout.size }, (_, i) => ((i * 31) % 17) / 17);
  return new FinetuneHead({
    backbone: BACKBONE,
    labels: ["a", "b"],
    temperature: 1,
    abstainThreshold: null,
    model: {
      layout,
      theta,
      scaling: { mean: new Float64Array(1024), scale: new Float64Array(1024).fill(1) },
    },
  }).serialize();
}

/** Never read: every head asked for here is in the cache. */
const NO_KV = undefined as unknown as KVNamespace;

describe("the head cache", () => {
  it("evicts the least recently used finetune heads to stay within its byte budget", async () => {
    const keys = ["heads/t/a/v1", "heads/t/a/v2", "heads/t/a/v3"];
    const bytes = largeFinetuneHead();
    for (const key of keys) {
      rememberHeadBytes(key, bytes, BACKBONE);
      const head = await loadHead(NO_KV, key, BACKBONE);
      expect(head).toBeInstanceOf(FinetuneHead);
    }
    const usage = headCacheUsage();
    expect(usage.bytes).toBeGreaterThan(8_000_000);
    expect(usage.bytes).toBeLessThanOrEqual(MAX_CACHED_HEAD_BYTES);
    expect(usage.heads).toBe(1);
    // The first two were evicted: asking for one would read KV (here: fail on the missing binding).
    await expect(loadHead(NO_KV, keys[0] as string, BACKBONE)).rejects.toThrow();
    expect(await loadHead(NO_KV, keys[2] as string, BACKBONE)).toBeInstanceOf(FinetuneHead);
  });
});
