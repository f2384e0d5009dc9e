/**
 * Serving records (./serving-records.ts) kept in isolate memory for a short time. The time to live is
 * the bound on how long an isolate that did not see a change keeps serving the old record: a revoked
 * key, a rolled-back version. The tenant's object updates the cache of the isolate it runs in when
 * it publishes a change, so there (and locally, where one isolate runs everything) the next request
 * sees it.
 */

import { awaitShared } from "../shared-wait";
import { ExpiringCache } from "./expiring-cache";

/** How long an isolate trusts a serving record it read (README, "Revocation and rollback"). */
export const SERVING_TTL_MS = 2_000;
/**
 * Records read within one TTL, a few hundred bytes each: 50,000 is 25,000 new records a second (a
 * key and an adapter per request), within about 20 MB.
 */
const MAX_ENTRIES = 50_000;

/** Promises, so that concurrent first requests for one record read KV once. */
const cache = new ExpiringCache<Promise<unknown>>(SERVING_TTL_MS, MAX_ENTRIES);

/**
 * The record under `name`, from this isolate's cache while fresh, else from KV (null: none). `keep`
 * turns a record read from KV into what is cached and answered (e.g. without the bytes it carries).
 */
export function readServingRecord<T>(
  kv: KVNamespace,
  name: string,
  keep: (record: T) => T = (record) => record,
): Promise<T | null> {
  const cached = cache.get(name, Date.now());
  // Another request may be the one reading it.
  if (cached) return awaitShared(cached as Promise<T | null>);
  const reading = kv.get<T>(name, "json").then((record) => record && keep(record));
  cache.set(name, reading, Date.now());
  reading.catch(() => cache.delete(name));
  return reading;
}

/** What the write path knows to be the record now (null: gone), for this isolate's next request. */
export function rememberServingRecord(name: string, value: unknown): void {
  cache.set(name, Promise.resolve(value), Date.now());
}

/** Drops every cached record under `prefix` (a deleted tenant). */
export function forgetServingRecords(prefix: string): void {
  cache.deletePrefix(prefix);
}
