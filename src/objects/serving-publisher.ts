/**
 * Writes a tenant's changed serving records (src/storage/serving-records.ts) to KV: one at a time, in
 * the order asked, each as the object's state holds it at that moment, so the last write of a record
 * is always its current value whatever interleaves. KV takes one write per second per key, so a
 * refused write is tried again a second later; a record still unwritten stays in the outbox for the
 * object's alarm.
 */

import { deleteHeads } from "../storage/heads";
import { forgetServingRecords, rememberServingRecord } from "../storage/serving-cache";
import {
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
      if (!(await writeRecord(this.kv, name, value))) return false;
      rememberServingRecord(name, value);
      // The tenant may have been deleted meanwhile; its outbox went with it.
      if (this.state.exists) this.state.serving.written(pending);
    }
    return true;
  }

  private pendingRecords() {
    return this.state.exists ? this.state.serving.pending() : [];
  }

  private currentValue(ref: ServingRecordRef): KeyServingRecord | object | null {
    const tenant = this.state.findTenant();
    if (!tenant || tenant.id !== ref.tenantId) return null;
    if (ref.kind === "key") {
      return this.state.keys.has(ref.keyHash) ? { tenantId: tenant.id } : null;
    }
    const adapter = this.state.adapters.find(ref.adapterId);
    return adapter && isServable(adapter) ? adapter : null;
  }
}

/** Puts the record, or deletes it when null; answers whether KV took it within the attempts. */
async function writeRecord(kv: KVNamespace, name: string, value: object | null): Promise<boolean> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    try {
      await (value === null ? kv.delete(name) : kv.put(name, JSON.stringify(value)));
      return true;
    } catch (error) {
      console.warn(`serving record ${name}: write ${attempt} of ${ATTEMPTS} refused`, error);
      if (attempt < ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
    }
  }
  return false;
}
