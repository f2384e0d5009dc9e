/**
 * Trained heads kept in isolate memory, least recently used first out. Entries are keyed by the
 * immutable KV version key, so a cached head is never stale: activating another version changes
 * which key is asked for, not what a key holds.
 *
 * The cache is bounded in heads and in bytes held: a finetune head holds its tuned top (decoded to
 * float64 for serving: 3.3 MB on MobileNetV2 1.0, 6.5 MB on 1.4), so a few of them would crowd
 * the backbone's wasm heap out of the 128 MB isolate if they were counted like logistic heads.
 */

import {
  type AdapterHead,
  type BackboneRef,
  decodeFinetuneHead,
  deserializeHead,
  type FinetuneHead,
  isFinetuneHead,
} from "../../adapters";
import { Problem } from "../problem";
import { awaitShared } from "../shared-wait";
import { headKey, readHeadBytes } from "./heads";
import type { AdapterRecord } from "./records";

const MAX_CACHED_HEADS = 512;
/** Bytes the cached heads may hold together (a finetune head counts its decoded top). */
export const MAX_CACHED_HEAD_BYTES = 16 * 1024 * 1024;

/** A head on frozen embeddings, or a finetune head (it predicts from the backbone's cut). */
export type ServedHead = AdapterHead | FinetuneHead;

interface Entry {
  /** A promise, so that concurrent first requests for one head read KV once. */
  head: Promise<ServedHead>;
  /** What the decoded head holds in memory; 0 until it is decoded. */
  bytes: number;
}

const heads = new Map<string, Entry>();
let cachedBytes = 0;

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

export function loadHead(kv: KVNamespace, key: string, backbone: BackboneRef): Promise<ServedHead> {
  const cached = heads.get(key);
  if (cached) {
    heads.delete(key);
    heads.set(key, cached);
    // Another request may be the one reading it.
    return awaitShared(cached.head);
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
    Promise.resolve().then(() => decodeServedHead(bytes, backbone)),
  );
}

/** What the cache holds now (heads decoded and their bytes). */
export function headCacheUsage(): { heads: number; bytes: number } {
  return { heads: heads.size, bytes: cachedBytes };
}

function remember(key: string, decoding: Promise<Decoded>): Promise<ServedHead> {
  const entry: Entry = { head: decoding.then(({ head }) => head), bytes: 0 };
  heads.set(key, entry);
  decoding.then(
    ({ bytes }) => {
      if (heads.get(key) !== entry) return;
      entry.bytes = bytes;
      cachedBytes += bytes;
      evict(key);
    },
    () => forget(key, entry),
  );
  evict(key);
  return entry.head;
}

function forget(key: string, entry: Entry): void {
  if (heads.get(key) !== entry) return;
  heads.delete(key);
  cachedBytes -= entry.bytes;
}

/** Least recently used first, never the head just asked for. */
function evict(keep: string): void {
  for (const [key, entry] of heads) {
    if (heads.size <= MAX_CACHED_HEADS && cachedBytes <= MAX_CACHED_HEAD_BYTES) return;
    if (key !== keep) forget(key, entry);
  }
}

interface Decoded {
  head: ServedHead;
  /** What it holds in memory: a finetune head's float64 parameters; another head, about its stored size. */
  bytes: number;
}

function decodeServedHead(bytes: Uint8Array, backbone: BackboneRef): Decoded {
  if (!isFinetuneHead(bytes))
    return { head: deserializeHead(bytes, backbone), bytes: bytes.length };
  const head = decodeFinetuneHead(bytes, backbone);
  const { theta, scaling } = head.model;
  return {
    head,
    bytes: theta.byteLength + scaling.mean.byteLength + scaling.scale.byteLength,
  };
}

async function readHead(kv: KVNamespace, key: string, backbone: BackboneRef): Promise<Decoded> {
  const bytes = await readHeadBytes(kv, key);
  if (!bytes) {
    // A version written moments ago in another location may not have reached this one yet.
    throw new Problem(
      503,
      "head-not-replicated",
      `head ${key} is not readable here yet; retry shortly`,
    );
  }
  return decodeServedHead(bytes, backbone);
}
