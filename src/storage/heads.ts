/**
 * Where trained heads live in Workers KV:
 *   heads/<tenant>/<adapter>/v<N>          the serialized head (immutable: written once, never again)
 *   heads/<tenant>/<adapter>/v<N>/report   its training report (JSON, immutable too)
 *   heads/<tenant>/<adapter>/active        "v<N>": a mirror of the active version for KV-only readers
 * The tenant's Durable Object stays the source of truth for which version is active: KV takes up to
 * a minute to show a changed pointer elsewhere, and a rollback must apply to the next prediction.
 */

export function headKey(tenantId: string, adapterId: string, version: number): string {
  return `${adapterPrefix(tenantId, adapterId)}v${version}`;
}

export function adapterPrefix(tenantId: string, adapterId: string): string {
  return `${tenantPrefix(tenantId)}${adapterId}/`;
}

export function tenantPrefix(tenantId: string): string {
  return `heads/${tenantId}/`;
}

export interface StoredHead {
  key: string;
  bytes: Uint8Array;
  report: unknown;
  headType: string;
}

export async function writeHeadVersion(kv: KVNamespace, head: StoredHead): Promise<void> {
  await kv.put(head.key, head.bytes, { metadata: { headType: head.headType } });
  await kv.put(`${head.key}/report`, JSON.stringify(head.report));
}

/** Deletes a head version that no version record names (its publication was refused). */
export async function deleteHeadVersion(kv: KVNamespace, key: string): Promise<void> {
  await Promise.all([kv.delete(key), kv.delete(`${key}/report`)]);
}

/**
 * Best effort: the activation is already committed in the Durable Object, which predictions follow.
 * KV takes one write per second per key, so quick successive rollbacks may have one refused here.
 */
export async function writeActivePointer(
  kv: KVNamespace,
  tenantId: string,
  adapterId: string,
  version: number,
): Promise<void> {
  try {
    await kv.put(`${adapterPrefix(tenantId, adapterId)}active`, `v${version}`);
  } catch (error) {
    console.warn(`active pointer of ${tenantId}/${adapterId} not mirrored to KV`, error);
  }
}

export async function readHeadBytes(kv: KVNamespace, key: string): Promise<Uint8Array | undefined> {
  const bytes = await kv.get(key, "arrayBuffer");
  return bytes ? new Uint8Array(bytes) : undefined;
}

export async function deleteHeads(kv: KVNamespace, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await kv.list(cursor ? { prefix, cursor } : { prefix });
    await Promise.all(page.keys.map((key) => kv.delete(key.name)));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
}
