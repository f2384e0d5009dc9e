import { describe, expect, it } from "vitest";
import { NoRoomError, Residency } from "../../../src/runtime/residency";

const MB = 1_000_000;

function residencyOf(budget: number) {
  const unloaded: string[] = [];
  const residency = new Residency(budget, async (id) => void unloaded.push(id));
  return { residency, unloaded };
}

/** Whether the promise settles within a few polls. */
async function settlesSoon(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol();
  const timeout = new Promise((resolve) => setTimeout(() => resolve(pending), 50));
  return (await Promise.race([promise, timeout])) !== pending;
}

describe("Residency", () => {
  it("keeps backbones whose heaps fit the budget together", async () => {
    const { residency, unloaded } = residencyOf(128 * MB);
    (await residency.acquire("use-lite", 52 * MB))();
    (await residency.acquire("lexical", 0))();
    (await residency.acquire("mobilenet-v2", 60 * MB))();
    expect(residency.residents).toEqual(["use-lite", "lexical", "mobilenet-v2"]);
    expect(unloaded).toEqual([]);
  });

  it("unloads the least recently used first, and never a backbone without a heap", async () => {
    const { residency, unloaded } = residencyOf(128 * MB);
    (await residency.acquire("lexical", 0))();
    (await residency.acquire("a", 50 * MB))();
    (await residency.acquire("b", 50 * MB))();
    (await residency.acquire("a", 50 * MB))(); // a is now the more recent
    (await residency.acquire("c", 50 * MB))();
    expect(unloaded).toEqual(["b"]);
    expect(residency.residents).toEqual(["lexical", "a", "c"]);
  });

  it("loads a backbone over the budget alone", async () => {
    const { residency, unloaded } = residencyOf(128 * MB);
    (await residency.acquire("a", 50 * MB))();
    (await residency.acquire("inception-v3", 298 * MB))();
    expect(unloaded).toEqual(["a"]);
    expect(residency.residents).toEqual(["inception-v3"]);
  });

  it("lets a busy backbone finish, then unloads it; work on it meanwhile waits its turn", async () => {
    const { residency, unloaded } = residencyOf(128 * MB);
    const releaseA = await residency.acquire("a", 89 * MB);
    const b = residency.acquire("b", 100 * MB);
    expect(await settlesSoon(b)).toBe(false);
    expect(residency.isReady("b")).toBe(false);
    // New work on a waits behind b's claim, so b is not starved by a stream of requests for a.
    const laterA = residency.acquire("a", 89 * MB);
    expect(await settlesSoon(laterA)).toBe(false);
    releaseA();
    const releaseB = await b;
    expect(unloaded).toEqual(["a"]);
    expect(residency.isReady("b")).toBe(true);
    expect(await settlesSoon(laterA)).toBe(false);
    releaseB();
    (await laterA)();
    expect(unloaded).toEqual(["a", "b"]);
    expect(residency.residents).toEqual(["a"]);
  });

  it("shares a claim: a second request for a backbone still waiting for its room waits with it", async () => {
    const { residency } = residencyOf(128 * MB);
    const releaseA = await residency.acquire("a", 89 * MB);
    const [first, second] = [residency.acquire("b", 100 * MB), residency.acquire("b", 100 * MB)];
    expect(await settlesSoon(second)).toBe(false);
    releaseA();
    (await first)();
    (await second)();
    expect(residency.residents).toEqual(["b"]);
  });

  it("leaves an idle victim usable while a busy one drains", async () => {
    const { residency, unloaded } = residencyOf(128 * MB);
    (await residency.acquire("idle", 20 * MB))();
    const releaseBusy = await residency.acquire("busy", 60 * MB);
    const big = residency.acquire("big", 100 * MB);
    // "big" needs both gone: the idle one is unloaded at once, the busy one when its work ends.
    expect(unloaded).toEqual(["idle"]);
    releaseBusy();
    (await big)();
    expect(unloaded).toEqual(["idle", "busy"]);
    expect(residency.residents).toEqual(["big"]);
  });

  it("counts a release once, and frees the room of a backbone that failed to load", async () => {
    const { residency, unloaded } = residencyOf(128 * MB);
    const release = await residency.acquire("a", 89 * MB);
    const second = await residency.acquire("a", 89 * MB);
    release();
    release();
    residency.forget("a");
    second();
    (await residency.acquire("b", 100 * MB))();
    expect(unloaded).toEqual([]);
    expect(residency.residents).toEqual(["b"]);
  });

  it("gives a request that shared a claim whose load then failed a claim of its own", async () => {
    const { residency } = residencyOf(128 * MB);
    const releaseA = await residency.acquire("a", 89 * MB);
    const [first, second] = [residency.acquire("b", 100 * MB), residency.acquire("b", 100 * MB)];
    releaseA();
    const releaseFirst = await first;
    // The first request's load failed: the room it held is forgotten before the second one resumes.
    residency.forget("b");
    releaseFirst();
    const releaseSecond = await second;
    expect(residency.residents).toEqual(["b"]);
    expect(residency.isReady("b")).toBe(true);
    releaseSecond();
  });

  describe("with two engines' heaps", () => {
    function twoHeaps(reserved: Record<string, number> = {}) {
      const unloaded: string[] = [];
      const residency = new Residency(
        128 * MB,
        async (id) => void unloaded.push(id),
        () => new Map(Object.entries(reserved)),
      );
      return { residency, unloaded };
    }

    it("unloads only backbones on the claimant's heap: another heap's room is not its to use", async () => {
      const { residency, unloaded } = twoHeaps();
      (await residency.acquire("tfjs-a", 50 * MB, ["tfjs"]))();
      (await residency.acquire("ort-b", 50 * MB, ["onnx"]))();
      (await residency.acquire("tfjs-c", 70 * MB, ["tfjs"]))();
      expect(unloaded).toEqual(["tfjs-a"]);
      expect(residency.residents).toEqual(["ort-b", "tfjs-c"]);
    });

    it("refuses a backbone beside what another heap reserved, though nothing is loaded on it", async () => {
      // An engine's heap stays as large as it grew after its backbones are unloaded.
      const { residency, unloaded } = twoHeaps({ onnx: 80 * MB });
      (await residency.acquire("tfjs-a", 30 * MB, ["tfjs"]))();
      // Said before anything is tried (GET /v1/backbones), as acquire then refuses.
      const foreseen = residency.refusal("tfjs-b", 89 * MB, ["tfjs"]);
      expect(foreseen).toContain("one runtime");
      expect(residency.refusal("tfjs-b", 40 * MB, ["tfjs"])).toBeNull();
      expect(residency.refusal("tfjs-a", 89 * MB, ["tfjs"])).toBeNull();
      const refused = await residency.acquire("tfjs-b", 89 * MB, ["tfjs"]).catch((e) => e);
      expect(refused).toBeInstanceOf(NoRoomError);
      expect(refused.message).toBe(foreseen);
      expect(unloaded).toEqual([]);
      expect(residency.residents).toEqual(["tfjs-a"]);
      // A backbone without a heap is never refused.
      (await residency.acquire("lexical", 0, []))();
    });

    it("loads a backbone that uses both heaps (auto) alone, as one over the budget", async () => {
      const { residency, unloaded } = twoHeaps();
      (await residency.acquire("tfjs-a", 50 * MB, ["tfjs"]))();
      (await residency.acquire("auto", 89 * MB, ["tfjs", "onnx"]))();
      expect(unloaded).toEqual(["tfjs-a"]);
    });
  });
});
