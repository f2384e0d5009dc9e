/**
 * Key → tenant → adapter for a prediction without a Durable Object call: from the serving records in
 * KV (src/storage/serving-records.ts), read through the isolate's short cache; an adapter record
 * that carries its small head puts it in the head cache, so a tenant not seen lately costs one KV
 * read, not two. A record that is not
 * there (not yet written, not yet replicated here, or a wrong key or adapter) sends the request to
 * the tenant's object, which answers with authority.
 */

import { base64ToBytes } from "../../adapters";
import { headOf, rememberHeadBytes } from "../storage/head-cache";
import { isIdOf } from "../storage/ids";
import { unwrap } from "../storage/outcome";
import type { AdapterRecord } from "../storage/records";
import { readServingRecord } from "../storage/serving-cache";
import {
  type AdapterServingRecord,
  type KeyServingRecord,
  servingRecordName,
} from "../storage/serving-records";
import type { TenantStoreClient } from "./stores";

export interface PresentedTenantKey {
  tenantId: string;
  keyHash: string;
  store: TenantStoreClient;
}

/** The adapter the key may predict with; null when the key is not (or no longer) valid. */
export async function servingAdapter(
  kv: KVNamespace,
  presented: PresentedTenantKey,
  adapterId: string,
): Promise<AdapterRecord | null> {
  const served = isIdOf("a", adapterId)
    ? await fromServingRecords(kv, presented, adapterId).catch((error: unknown) => {
        // KV failing is no reason to refuse a prediction the tenant's object can answer.
        console.warn("serving records unreadable; asking the tenant's object", error);
        return null;
      })
    : null;
  if (served) return served;
  const found = await presented.store.authenticateForAdapter(presented.keyHash, adapterId);
  return found && unwrap(found.adapter);
}

async function fromServingRecords(
  kv: KVNamespace,
  { tenantId, keyHash }: PresentedTenantKey,
  adapterId: string,
): Promise<AdapterServingRecord | null> {
  const [key, adapter] = await Promise.all([
    readServingRecord<KeyServingRecord>(kv, servingRecordName({ kind: "key", tenantId, keyHash })),
    readServingRecord<AdapterServingRecord>(
      kv,
      servingRecordName({ kind: "adapter", tenantId, adapterId }),
      (record) => keepHeadApart(tenantId, record),
    ),
  ]);
  return key?.tenantId === tenantId ? adapter : null;
}

/**
 * A record that carries its head hands it to the head cache, so the prediction reads KV once; the
 * cached record leaves the bytes out (the head cache bounds what heads the isolate holds).
 */
function keepHeadApart(
  tenantId: string,
  { head, ...record }: AdapterServingRecord,
): AdapterServingRecord {
  if (head !== undefined) {
    const { key, backbone } = headOf(tenantId, record, record.activeVersion);
    rememberHeadBytes(key, base64ToBytes(head), backbone);
  }
  return record;
}
