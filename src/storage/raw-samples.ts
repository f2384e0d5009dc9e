/**
 * Raw uploads in R2, kept (unless the tenant turned retention off) so that samples can be embedded
 * again with another backbone: samples/<tenant>/<adapter>/<content hash>. Content-addressed, so a
 * repeated upload writes the same object.
 */

export function rawSampleKey(tenantId: string, adapterId: string, contentHash: string): string {
  return `${rawAdapterPrefix(tenantId, adapterId)}${contentHash}`;
}

export function rawAdapterPrefix(tenantId: string, adapterId: string): string {
  return `${rawTenantPrefix(tenantId)}${adapterId}/`;
}

export function rawTenantPrefix(tenantId: string): string {
  return `samples/${tenantId}/`;
}

export async function deleteRawSamples(bucket: R2Bucket, keys: string[]): Promise<void> {
  // R2 deletes at most 1,000 keys per call.
  for (let start = 0; start < keys.length; start += 1000) {
    await bucket.delete(keys.slice(start, start + 1000));
  }
}

export async function deleteRawPrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list(cursor ? { prefix, cursor } : { prefix });
    await deleteRawSamples(
      bucket,
      page.objects.map((object) => object.key),
    );
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
