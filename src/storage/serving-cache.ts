/**
 * Serving records (./serving-records.ts) kept in isolate memory for a short time. The time to live is
 * the bound on how long an isolate that did not see a change keeps serving the old record: a revoked
 * key, a rolled-back version. The tenant's object updates the cache of the isolate it runs in when
 * it publishes a change, so there (and locally, where one isolate runs everything) the next request
 * sees it.
 */

/** How long an isolate trusts a serving record it read (README, "Revocation and rollback"). */
export const SERVING_TTL_MS = 2_000;
/** Enough for every key and adapter of thousands of busy tenants; a record is a few hundred bytes. */
const MAX_ENTRIES = 50_000;

interface Entry {
  /** A promise, so that concurrent first requests for one record read KV once. */
  value: Promise<unknown>;
  expires: number;
}

const entries = new Map<string, Entry>();

/**
 * The record under `name`, from this isolate's cache while fresh, else from KV (null: none). `keep`
 * turns a record read from KV into what is cached and answered (e.g. without the bytes it carries).
 */
export function readServingRecord<T>(
  kv: KVNamespace,
  name: string,
  keep: (record: T) => T = (record) => record,
): Promise<T | null> {
  const cached = entries.get(name);
  if (cached && cached.expires > Date.now()) return cached.value as Promise<T | null>;
  const reading = kv.get<T>(name, "json").then((record) => record && keep(record));
  remember(name, reading);
  reading.catch(() => entries.delete(name));
  return reading;
}

/** What the write path knows to be the record now (null: gone), for this isolate's next request. */
export function rememberServingRecord(name: string, value: unknown): void {
  remember(name, Promise.resolve(value));
}

/** Drops every cached record under `prefix` (a deleted tenant). */
export function forgetServingRecords(prefix: string): void {
  for (const name of entries.keys()) if (name.startsWith(prefix)) entries.delete(name);
}

function remember(name: string, value: Promise<unknown>): void {
  entries.delete(name);
  entries.set(name, { value, expires: Date.now() + SERVING_TTL_MS });
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
}
