import { describe, expect, it } from "vitest";
import { ExpiringCache } from "../../../src/storage/expiring-cache";

describe("expiring cache", () => {
  it("answers an entry until its time to live has passed", () => {
    const cache = new ExpiringCache<string>(2_000, 10);
    cache.set("key:a", "tenant-a", 1_000);
    expect(cache.get("key:a", 2_999)).toBe("tenant-a");
    expect(cache.get("key:a", 3_000)).toBeUndefined();
    expect(cache.get("key:b", 1_000)).toBeUndefined();
  });

  it("holds only what the last time to live brought in, not every name it ever saw", () => {
    const cache = new ExpiringCache<number>(2_000, 100_000);
    for (let t = 0; t < 10_000; t++) cache.set(`tenant-${t}`, t, t);
    // Written at 1 ms intervals: the entries of the last 2 s.
    expect(cache.size).toBe(2_000);
    expect(cache.get("tenant-9999", 9_999)).toBe(9_999);
  });

  it("drops the oldest entry beyond its bound, and a rewritten entry counts as new", () => {
    const cache = new ExpiringCache<number>(60_000, 3);
    for (const [i, name] of ["a", "b", "c"].entries()) cache.set(name, i, i);
    cache.set("a", 10, 3);
    cache.set("d", 4, 4);
    expect(["a", "b", "c", "d"].map((name) => cache.get(name, 5))).toEqual([10, undefined, 2, 4]);
    expect(cache.size).toBe(3);
  });

  it("forgets a tenant's entries by prefix", () => {
    const cache = new ExpiringCache<number>(60_000, 10);
    cache.set("t1/key", 1, 0);
    cache.set("t1/adapter", 2, 0);
    cache.set("t2/key", 3, 0);
    cache.deletePrefix("t1/");
    expect(cache.size).toBe(1);
    expect(cache.get("t2/key", 0)).toBe(3);
  });
});
