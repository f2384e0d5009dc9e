/**
 * Trained heads kept in isolate memory, least recently used first out. Entries are keyed by the
 * immutable KV version key, so a cached head is never stale: activating another version changes
 * which key is asked for, not what a key holds.
 */

import { type AdapterHead, type BackboneRef, deserializeHead } from "../../adapters";
import { Problem } from "../problem";
import { headKey, readHeadBytes } from "./heads";
import type { AdapterRecord } from "./records";

const MAX_CACHED_HEADS = 512;

/** Promises, so that concurrent first requests for one head read KV once. */
const heads = new Map<string, Promise<AdapterHead>>();

/** Where an adapter's version lives in KV, and the backbone it must have been trained on. */
export function headOf(
  tenantId: string,
  adapter: AdapterRecord,
  version: number,
): { key: string; backbone: BackboneRef } {
  return {
    key: headKey(tenantId, adapter.id, version),
    backbone: { id: adapter.backbone, weightsHash: adapter.weightsHash, dim: adapter.dim },
  };
}

export function loadHead(
  kv: KVNamespace,
  key: string,
  backbone: BackboneRef,
): Promise<AdapterHead> {
  const cached = heads.get(key);
  if (cached) {
    heads.delete(key);
    heads.set(key, cached);
    return cached;
  }
  return remember(key, readHead(kv, key, backbone));
}

/**
 * Caches a head whose bytes came with its serving record (./inline-head.ts), so the prediction that
 * read the record finds it here instead of reading its key. A head already cached is not decoded again.
 */
export function rememberHeadBytes(key: string, bytes: Uint8Array, backbone: BackboneRef): void {
  if (heads.has(key)) return;
  remember(
    key,
    Promise.resolve().then(() => deserializeHead(bytes, backbone)),
  );
}

function remember(key: string, loading: Promise<AdapterHead>): Promise<AdapterHead> {
  heads.set(key, loading);
  loading.catch(() => heads.delete(key));
  if (heads.size > MAX_CACHED_HEADS) heads.delete(heads.keys().next().value as string);
  return loading;
}

async function readHead(kv: KVNamespace, key: string, backbone: BackboneRef): Promise<AdapterHead> {
  const bytes = await readHeadBytes(kv, key);
  if (!bytes) {
    // A version written moments ago in another location may not have reached this one yet.
    throw new Problem(
      503,
      "head-not-replicated",
      `head ${key} is not readable here yet; retry shortly`,
    );
  }
  return deserializeHead(bytes, backbone);
}
