/**
 * Which backbones stay loaded in an isolate. A wasm heap never shrinks, and every tfjs backbone shares
 * one, so backbones loaded side by side add up: MobileNetV2 1.4 then 1.0 leave a 154 MiB heap, use-lite
 * then MobileNetV2 131 MiB, both over a Worker isolate's 128 MB. A backbone unloaded first leaves its
 * part of the heap to the next one (the same two MobileNetV2s one after the other: 89 MiB).
 *
 * So the resident backbones' heaps (their manifests' measured `wasmHeapBytes`) are kept within a
 * budget: loading one that would not fit first unloads the least recently used others. One in use is
 * unloaded once its current work ends; meanwhile new work on it waits too, so the loader is not starved.
 * A backbone over the budget on its own (InceptionV3) still loads, alone. The room freed is reused by
 * the next backbone on the same engine only: onnxruntime's heap is another one, which is why a
 * deployment carries one runtime for its image backbones (models/DEPLOYMENT.md).
 */

/** A Worker isolate's memory limit, for everything it holds. */
export const ISOLATE_MEMORY_BYTES = 128 * 1024 * 1024;

interface Resident {
  heapBytes: number;
  /** Work in progress on it (embeddings). */
  leases: number;
  /** To be unloaded once its leases end, for a backbone that needs its room. */
  draining: boolean;
}

/** Ends a lease taken with `acquire`. */
export type Release = () => void;

export class Residency {
  /** In order of last use, least recent first. */
  private readonly resident = new Map<string, Resident>();
  private waiting: (() => void)[] = [];

  constructor(
    private readonly budgetBytes: number,
    /** Frees a backbone's weights; called for an idle backbone only. */
    private readonly unload: (id: string) => Promise<void>,
  ) {}

  /** The backbones resident now, least recently used first. */
  get residents(): string[] {
    return [...this.resident.keys()];
  }

  /**
   * A lease on backbone `id` (whose heap takes `heapBytes`) for one piece of work: once it resolves,
   * the caller may load and use the backbone until it calls the release.
   */
  async acquire(id: string, heapBytes: number): Promise<Release> {
    for (;;) {
      const entry = this.resident.get(id);
      if (entry && !entry.draining) {
        entry.leases++;
        this.resident.delete(id);
        this.resident.set(id, entry);
        return this.releaser(id, entry);
      }
      if (!entry) {
        const victims = this.victimsFor(heapBytes);
        const busy = victims.filter(([, victim]) => victim.leases > 0);
        if (busy.length === 0) {
          for (const [victimId] of victims) this.resident.delete(victimId);
          const claimed: Resident = { heapBytes, leases: 1, draining: false };
          this.resident.set(id, claimed);
          await Promise.all(victims.map(([victimId]) => this.unload(victimId)));
          // Work waiting for what was just unloaded may load it again, in turn.
          if (victims.length > 0) this.wakeWaiting();
          return this.releaser(id, claimed);
        }
        // Idle victims stay usable until then; the busy ones take no new work meanwhile.
        for (const [, victim] of busy) victim.draining = true;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** Forgets a backbone that failed to load, so that it holds no room. */
  forget(id: string): void {
    this.resident.delete(id);
    this.wakeWaiting();
  }

  /** The least recently used others to unload so that `heapBytes` more fit within the budget. */
  private victimsFor(heapBytes: number): [string, Resident][] {
    let total = heapBytes;
    for (const entry of this.resident.values()) total += entry.heapBytes;
    const victims: [string, Resident][] = [];
    for (const victim of this.resident) {
      if (total <= this.budgetBytes) break;
      // Unloading a backbone without a wasm heap (lexical) frees no room.
      if (victim[1].heapBytes === 0) continue;
      victims.push(victim);
      total -= victim[1].heapBytes;
    }
    return victims;
  }

  private releaser(id: string, entry: Resident): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.leases--;
      if (entry.leases === 0 && entry.draining && this.resident.get(id) === entry) {
        this.resident.delete(id);
        void this.unload(id).finally(() => this.wakeWaiting());
        return;
      }
      if (entry.leases === 0) this.wakeWaiting();
    };
  }

  private wakeWaiting(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}
