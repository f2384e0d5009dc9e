/**
 * Serving records: what a prediction needs to go from an API key to its adapter's active head
 * without a call to the tenant's Durable Object. The object writes them to Workers KV after every
 * change that alters them (src/objects/serving-publisher.ts); Workers read them through a short
 * isolate cache (./serving-cache.ts).
 *   serving/<tenant>/keys/<keyHash>         {"tenantId"}: present while the key is valid
 *   serving/<tenant>/adapters/<adapterId>   the adapter's record: present while it has an active head,
 *                                           with that head's bytes when they are small (./inline-head.ts)
 * A record that is missing is no verdict: the Worker then asks the tenant's object, which stays the
 * source of truth and writes the record again.
 */

import type { AdapterRecord } from "./records";

export type ServingRecordRef =
  | { kind: "key"; tenantId: string; keyHash: string }
  | { kind: "adapter"; tenantId: string; adapterId: string };

export interface KeyServingRecord {
  tenantId: string;
}

export type AdapterServingRecord = AdapterRecord & {
  activeVersion: number;
  /** The active head, base64, when at most INLINE_HEAD_MAX_BYTES; else read from its own key. */
  head?: string;
};

export function servingPrefix(tenantId: string): string {
  return `serving/${tenantId}/`;
}

export function servingRecordName(ref: ServingRecordRef): string {
  return ref.kind === "key"
    ? `${servingPrefix(ref.tenantId)}keys/${ref.keyHash}`
    : `${servingPrefix(ref.tenantId)}adapters/${ref.adapterId}`;
}

/** Only an adapter with an active head can serve; the others are answered by the object (409). */
export function isServable(adapter: AdapterRecord): adapter is AdapterServingRecord {
  return adapter.activeVersion !== null;
}
