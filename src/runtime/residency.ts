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
 *
 * The room is per heap, i.e. per engine: onnxruntime's heap is another one than tfjs's, and unloading
 * a tfjs backbone frees nothing an onnxruntime one could use. So only backbones on the claimant's own
 * heap are unloaded for it, and the other heaps count as large as they are (they never shrink): a
 * backbone whose heap would take the isolate over the budget beside them is refused (NoRoomError),
 * rather than loaded into an isolate Cloudflare would then stop. That is why a deployment carries one
 * runtime for its image backbones (models/DEPLOYMENT.md).
 *
 * Waiting polls a timer (../shared-wait.ts): the room is freed by other requests' work.
 */

import { POLL_MS, sleep } from "../shared-wait";

/** A Worker isolate's memory limit, for everything it holds. */
export const ISOLATE_MEMORY_BYTES = 128 * 1024 * 1024;

/** The heap of a Residency whose caller names none (one engine). */
const ONE_HEAP = ["wasm"] as const;

/** A backbone refused because the isolate's other wasm heaps leave it no room; see the file's doc. */
export class NoRoomError extends Error {
  override readonly name = "NoRoomError";
}

interface Resident {
  heapBytes: number;
  /** The wasm heaps (engines) it loads into: one, or each runtime `auto` compares. */
  heaps: readonly string[];
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
    /** The bytes each heap has reserved so far (a heap never shrinks); none before its engine starts. */
    private readonly reservedBytes: () => ReadonlyMap<string, number> = () => new Map(),
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
   * A lease on backbone `id` (whose part of its `heaps` takes `heapBytes`) for one piece of work:
   * once it resolves, the caller may load and use the backbone until it calls the release. Throws
   * NoRoomError when the other heaps leave it none.
   */
  async acquire(
    id: string,
    heapBytes: number,
    heaps: readonly string[] = ONE_HEAP,
  ): Promise<Release> {
    let entry = this.resident.get(id);
    while (entry?.draining) {
      await sleep(POLL_MS);
      entry = this.resident.get(id);
    }
    if (entry) {
      entry.leases++;
      this.touch(id, entry);
    } else {
      entry = this.claim(id, heapBytes, heaps);
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
      return this.acquire(id, heapBytes, heaps);
    }
    return release;
  }

  /**
   * Why `acquire` would refuse backbone `id` now (NoRoomError's message), or null when it would
   * load: resident already, or with room on its heaps once others there are unloaded.
   */
  refusal(id: string, heapBytes: number, heaps: readonly string[] = ONE_HEAP): string | null {
    if (this.resident.has(id)) return null;
    return this.refusalBeside(id, heapBytes, this.heldOutside(heaps));
  }

  /** Forgets a backbone that failed to load, so that it holds no room. */
  forget(id: string): void {
    this.resident.delete(id);
  }

  /** Room for `id`: the least recently used others on its heaps unloaded now if idle, else once their work ends. */
  private claim(id: string, heapBytes: number, heaps: readonly string[]): Resident {
    const victims = this.victimsFor(id, heapBytes, heaps);
    const entry: Resident = {
      heapBytes,
      heaps,
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

  /**
   * The least recently used others on `heaps` to unload so that `heapBytes` more fit within the
   * budget beside what the other heaps hold; NoRoomError when even unloading all of them would not.
   */
  private victimsFor(
    id: string,
    heapBytes: number,
    heaps: readonly string[],
  ): [string, Resident][] {
    const shares = (entry: Resident) => entry.heaps.some((heap) => heaps.includes(heap));
    const elsewhere = this.heldOutside(heaps);
    const refused = this.refusalBeside(id, heapBytes, elsewhere);
    if (refused !== null) throw new NoRoomError(refused);
    let total = elsewhere + heapBytes;
    for (const entry of this.resident.values()) if (shares(entry)) total += entry.heapBytes;
    const victims: [string, Resident][] = [];
    for (const victim of this.resident) {
      if (total <= this.budgetBytes) break;
      // Unloading a backbone without a wasm heap (lexical), or on another heap, frees no room.
      if (victim[1].heapBytes === 0 || !shares(victim[1])) continue;
      victims.push(victim);
      total -= victim[1].heapBytes;
    }
    return victims;
  }

  /** Why `heapBytes` of a new heap do not fit beside the `elsewhere` bytes other heaps hold, or null. */
  private refusalBeside(id: string, heapBytes: number, elsewhere: number): string | null {
    if (heapBytes === 0 || elsewhere === 0 || elsewhere + heapBytes <= this.budgetBytes)
      return null;
    return `the isolate's other wasm heaps already hold ${mib(elsewhere)} MiB, which a wasm heap never gives back, and ${id} needs about ${mib(heapBytes)} MiB of its own: over the ${mib(this.budgetBytes)} MiB an isolate has. A deployment serves its image backbones on one runtime (models/DEPLOYMENT.md)`;
  }

  /** What the heaps other than `heaps` hold: as much as each reserved, or as its residents claim. */
  private heldOutside(heaps: readonly string[]): number {
    const held = new Map(this.reservedBytes());
    const claimed = new Map<string, number>();
    for (const entry of this.resident.values()) {
      for (const heap of entry.heaps) claimed.set(heap, (claimed.get(heap) ?? 0) + entry.heapBytes);
    }
    for (const [heap, bytes] of claimed) held.set(heap, Math.max(bytes, held.get(heap) ?? 0));
    let outside = 0;
    for (const [heap, bytes] of held) if (!heaps.includes(heap)) outside += bytes;
    return outside;
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

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
