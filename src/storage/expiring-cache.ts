/**
 * A map whose entries live for a fixed time. Every entry gets the same time to live, so insertion
 * order is expiry order: writes drop the expired entries from the front, and the cache holds what
 * the last TTL brought in (at most `maxEntries`), not every name an isolate ever read.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value under `name` while fresh at `now`. */
  get(name: string, now: number): V | undefined {
    const entry = this.entries.get(name);
    return entry && entry.expires > now ? entry.value : undefined;
  }

  set(name: string, value: V, now: number): void {
    this.entries.delete(name);
    for (const [oldest, entry] of this.entries) {
      if (entry.expires > now && this.entries.size < this.maxEntries) break;
      this.entries.delete(oldest);
    }
    this.entries.set(name, { value, expires: now + this.ttlMs });
  }

  delete(name: string): void {
    this.entries.delete(name);
  }

  /** Drops every entry whose name starts with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const name of this.entries.keys()) if (name.startsWith(prefix)) this.entries.delete(name);
  }
}
