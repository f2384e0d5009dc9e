import { describe, expect, it } from "vitest";
import { Residency } from "../../../src/runtime/residency";

const MB = 1_000_000;

function residencyOf(budget: number) {
  const unloaded: string[] = [];
  const residency = new Residency(budget, async (id) => void unloaded.push(id));
  return { residency, unloaded };
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

  it("waits for a backbone in use to finish before unloading it, and holds off new work on it", async () => {
    const { residency, unloaded } = residencyOf(128 * MB);
    const releaseA = await residency.acquire("a", 89 * MB);
    let bLoaded = false;
    const b = residency.acquire("b", 100 * MB).then((release) => {
      bLoaded = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(bLoaded).toBe(false);
    // New work on a waits behind b, so b is not starved by a stream of requests for a.
    let aAgain = false;
    const laterA = residency.acquire("a", 89 * MB).then((release) => {
      aAgain = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(aAgain).toBe(false);
    releaseA();
    const releaseB = await b;
    expect(unloaded).toEqual(["a"]);
    expect(residency.residents).toEqual(["b"]);
    expect(aAgain).toBe(false);
    releaseB();
    (await laterA)();
    expect(unloaded).toEqual(["a", "b"]);
    expect(residency.residents).toEqual(["a"]);
  });

  it("leaves an idle victim usable while a busy one drains", async () => {
    const { residency, unloaded } = residencyOf(128 * MB);
    (await residency.acquire("idle", 20 * MB))();
    const releaseBusy = await residency.acquire("busy", 60 * MB);
    const big = residency.acquire("big", 100 * MB);
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Were "busy" idle, "idle" would go too; meanwhile it still serves.
    const releaseIdle = await residency.acquire("idle", 20 * MB);
    releaseIdle();
    releaseBusy();
    (await big)();
    // Once "busy" is unloaded, "big" fits beside "idle".
    expect(unloaded).toEqual(["busy"]);
    expect(residency.residents).toEqual(["idle", "big"]);
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
});
