/**
 * Writes a tenant's changed serving records (src/storage/serving-records.ts) to KV: one at a time, in
 * the order asked, each as the object's state holds it at that moment, so the last write of a record
 * is always its current value whatever interleaves. KV takes one write per second per key, so a
 * refused write is tried again a second later; a record still unwritten stays in the outbox for the
 * object's alarm.
 */

import { bytesToBase64 } from "../../adapters";
import { sleep } from "../shared-wait";
import { deleteHeads, readHeadBytes } from "../storage/heads";
import { INLINE_HEAD_MAX_BYTES } from "../storage/inline-head";
import { forgetServingRecords, rememberServingRecord } from "../storage/serving-cache";
import {
  type AdapterServingRecord,
  isServable,
  type KeyServingRecord,
  type ServingRecordRef,
  servingPrefix,
  servingRecordName,
} from "../storage/serving-records";
import type { TenantState } from "../storage/tenant-state";

const ATTEMPTS = 3;
const RETRY_AFTER_MS = 1_100;

export class ServingPublisher {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly state: TenantState,
    private readonly kv: KVNamespace,
  ) {}

  /** Writes every pending record; answers false when one is left for a later attempt. */
  flush(): Promise<boolean> {
    const run = this.queue.then(() => this.drain());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** After the tenant was erased: deletes all its records, behind any write still under way. */
  deleteTenant(tenantId: string): Promise<void> {
    const prefix = servingPrefix(tenantId);
    const run = this.queue.then(async () => {
      forgetServingRecords(prefix);
      await deleteHeads(this.kv, prefix);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async drain(): Promise<boolean> {
    for (const pending of this.pendingRecords()) {
      const name = servingRecordName(pending.ref);
      const value = this.currentValue(pending.ref);
      const stored = isAdapterRecord(pending.ref, value) ? await this.withHead(value) : value;
      if (!(await writeRecord(this.kv, name, stored))) return false;
      rememberServingRecord(name, value);
      // The tenant may have been deleted meanwhile; its outbox went with it.
      if (this.state.exists) this.state.serving.written(pending);
    }
    return true;
  }

  private pendingRecords() {
    return this.state.exists ? this.state.serving.pending() : [];
  }

  /**
   * The adapter's record as KV holds it: with its active head's bytes when they are small
   * (src/storage/inline-head.ts), so a prediction elsewhere reads one key instead of two. The head
   * was written to KV before it was activated; if this location cannot read it yet, the record goes
   * without, and predictions read the head's own key.
   */
  private async withHead(record: AdapterServingRecord): Promise<AdapterServingRecord> {
    const version = this.state.versions.get(record.id, record.activeVersion, record.activeVersion);
    if (version.headBytes > INLINE_HEAD_MAX_BYTES) return record;
    const bytes = await readHeadBytes(this.kv, version.headKey);
    return bytes ? { ...record, head: bytesToBase64(bytes) } : record;
  }

  private currentValue(ref: ServingRecordRef): KeyServingRecord | AdapterServingRecord | null {
    const tenant = this.state.findTenant();
    if (!tenant || tenant.id !== ref.tenantId) return null;
    if (ref.kind === "key") {
      return this.state.keys.has(ref.keyHash) ? { tenantId: tenant.id } : null;
    }
    const adapter = this.state.adapters.find(ref.adapterId);
    return adapter && isServable(adapter) ? adapter : null;
  }
}

function isAdapterRecord(
  ref: ServingRecordRef,
  value: KeyServingRecord | AdapterServingRecord | null,
): value is AdapterServingRecord {
  return ref.kind === "adapter" && value !== null;
}

/** Puts the record, or deletes it when null; answers whether KV took it within the attempts. */
async function writeRecord(kv: KVNamespace, name: string, value: object | null): Promise<boolean> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      await (value === null ? kv.delete(name) : kv.put(name, JSON.stringify(value)));
      return true;
    } catch (error) {
      console.warn(`serving record ${name}: write ${attempt} of ${ATTEMPTS} refused`, error);
      if (attempt < ATTEMPTS) await sleep(RETRY_AFTER_MS);
    }
  }
  return false;
}
