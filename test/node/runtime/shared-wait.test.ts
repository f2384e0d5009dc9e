import { describe, expect, it, vi } from "vitest";
import { awaitShared } from "../../../src/shared-wait";

describe("awaitShared", () => {
  it("answers a settled promise without a timer", async () => {
    vi.useFakeTimers();
    try {
      await expect(awaitShared(Promise.resolve(7))).resolves.toBe(7);
      await expect(awaitShared(Promise.reject(new Error("no")))).rejects.toThrow("no");
    } finally {
      vi.useRealTimers();
    }
  });

  it("polls until another party settles the promise, then gives its outcome", async () => {
    let resolve: (value: string) => void = () => {};
    const shared = new Promise<string>((settle) => {
      resolve = settle;
    });
    let answered = false;
    const waiting = awaitShared(shared).then((value) => {
      answered = true;
      return value;
    });
    await new Promise((later) => setTimeout(later, 30));
    expect(answered).toBe(false);
    resolve("loaded");
    await expect(waiting).resolves.toBe("loaded");
  });
});
