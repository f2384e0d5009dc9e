/**
 * Which backbones stay loaded in an isolate. A wasm heap never shrinks, and every tfjs backbone shares
 * one, so backbones loaded side by side add up: MobileNetV2 1.4 then 1.0 leave a 154 MiB heap, use-lite
 * then MobileNetV2 131 MiB, both over a Worker isolate's 128 MB. A backbone unloaded first leaves its
 * part of the heap to the next one (the same two MobileNetV2s one after the other: 89 MiB).
 *
 * So the resident backbones' heaps (their manifests' measured `wasmHeapBytes`) are kept within a
 * budget: a backbone that would not fit claims its room at once, unloads the least recently used idle
 * others, and waits for the busy ones to finish their current work (new work on those waits too, so
 * the claim is not starved). A backbone over the budget on its own (InceptionV3) still loads, alone.
 * The room freed is reused by the next backbone on the same engine only: onnxruntime's heap is
 * another one, which is why a deployment carries one runtime for its image backbones
 * (models/DEPLOYMENT.md).
 *
 * Waiting polls a timer (../shared-wait.ts): the room is freed by other requests' work.
 */

import { POLL_MS, sleep } from "../shared-wait";

/** A Worker isolate's memory limit, for everything it holds. */
export const ISOLATE_MEMORY_BYTES = 128 * 1024 * 1024;

interface Resident {
  heapBytes: number;
  /** Work holding it (embeddings), or waiting for its room. */
  leases: number;
  /** To be unloaded once its leases end, for a backbone that claimed its room. */
  draining: boolean;
  /** The residents that must be unloaded before this one may load (by identity: an id may be claimed again). */
  awaiting: Map<string, Resident>;
}

/** Ends a lease taken with `acquire`. */
export type Release = () => void;

export class Residency {
  /** In order of last use, least recent first. */
  private readonly resident = new Map<string, Resident>();

  constructor(
    private readonly budgetBytes: number,
    /** Frees a backbone's weights; called for an idle backbone only. */
    private readonly unload: (id: string) => Promise<void>,
  ) {}

  /** The backbones resident now, least recently used first (with those waiting for their room). */
  get residents(): string[] {
    return [...this.resident.keys()];
  }

  /** Whether the backbone is resident and may load (no room still to be freed for it). */
  isReady(id: string): boolean {
    return this.resident.get(id)?.awaiting.size === 0;
  }

  /**
   * A lease on backbone `id` (whose heap takes `heapBytes`) for one piece of work: once it resolves,
   * the caller may load and use the backbone until it calls the release.
   */
  async acquire(id: string, heapBytes: number): Promise<Release> {
    let entry = this.resident.get(id);
    while (entry?.draining) {
      await sleep(POLL_MS);
      entry = this.resident.get(id);
    }
    if (entry) {
      entry.leases++;
      this.touch(id, entry);
    } else {
      entry = this.claim(id, heapBytes);
    }
    const release = this.releaser(id, entry);
    while (entry.awaiting.size > 0) {
      for (const [victimId, victim] of entry.awaiting) {
        if (this.resident.get(victimId) !== victim) entry.awaiting.delete(victimId);
      }
      if (entry.awaiting.size > 0) await sleep(POLL_MS);
    }
    // The claim this request shared was forgotten meanwhile (its load failed): its own load, if it
    // tries one, must hold room of its own.
    if (this.resident.get(id) !== entry) {
      release();
      return this.acquire(id, heapBytes);
    }
    return release;
  }

  /** Forgets a backbone that failed to load, so that it holds no room. */
  forget(id: string): void {
    this.resident.delete(id);
  }

  /** Room for `id`: the least recently used others unloaded now if idle, else once their work ends. */
  private claim(id: string, heapBytes: number): Resident {
    const victims = this.victimsFor(heapBytes);
    const entry: Resident = {
      heapBytes,
      leases: 1,
      draining: false,
      awaiting: new Map(victims),
    };
    for (const [victimId, victim] of victims) {
      if (victim.leases === 0) this.evict(victimId);
      else victim.draining = true;
    }
    this.resident.set(id, entry);
    return entry;
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

  private touch(id: string, entry: Resident): void {
    this.resident.delete(id);
    this.resident.set(id, entry);
  }

  private evict(id: string): void {
    this.resident.delete(id);
    this.unload(id).catch((error: unknown) => console.warn(`backbone ${id} not unloaded`, error));
  }

  private releaser(id: string, entry: Resident): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.leases--;
      if (entry.leases === 0 && entry.draining && this.resident.get(id) === entry) this.evict(id);
    };
  }
}
