/**
 * A finetune head's training inputs: each sample's activations at its backbone's cut (below the
 * trainable top), int8 with per-position scales (adapters' activation codec, 15.9 KB a sample for
 * MobileNetV2 1.0, 22.1 KB for 1.4). Computed once per sample and kept in R2, under the adapter's
 * raw-sample prefix (so deleting the adapter or the tenant deletes them) and the backbone's weights
 * hash (other weights, other activations): samples/<tenant>/<adapter>/cut/<weights hash>/<content hash>.
 */

import { encodedActivationBytes } from "../../adapters";
import { resolveCutLayer } from "../../models/cut-layer";
import type { BackboneManifest, TrainableTop } from "../../models/manifest";
import { rawAdapterPrefix } from "./raw-samples";

/** Reads at once: enough to overlap R2 round trips without holding many bodies. */
const PARALLEL_READS = 16;

/** The cut feature map's shape: H·W positions of C channels. */
export interface CutGeometry {
  positions: number;
  channels: number;
}

export function cutGeometry(manifest: BackboneManifest, top: TrainableTop): CutGeometry {
  const [, height = 0, width = 0, channels = 0] = resolveCutLayer(manifest, top.cut).shape ?? [];
  return { positions: height * width, channels };
}

export function activationKey(
  tenantId: string,
  adapterId: string,
  weightsHash: string,
  contentHash: string,
): string {
  return `${rawAdapterPrefix(tenantId, adapterId)}cut/${weightsHash}/${contentHash}`;
}

export async function writeActivations(
  bucket: R2Bucket,
  entries: { key: string; bytes: Uint8Array }[],
): Promise<void> {
  for (let start = 0; start < entries.length; start += PARALLEL_READS) {
    await Promise.all(
      entries
        .slice(start, start + PARALLEL_READS)
        .map(({ key, bytes }) =>
          bucket.put(key, bytes, { httpMetadata: { contentType: "application/octet-stream" } }),
        ),
    );
  }
}

/** The stored activations of each key, or null where none (or a stale size) is stored. */
export async function readActivations(
  bucket: R2Bucket,
  keys: string[],
  geometry: CutGeometry,
): Promise<(Uint8Array | null)[]> {
  const expected = encodedActivationBytes(geometry.positions, geometry.channels);
  const read: (Uint8Array | null)[] = [];
  for (let start = 0; start < keys.length; start += PARALLEL_READS) {
    const batch = keys.slice(start, start + PARALLEL_READS);
    read.push(
      ...(await Promise.all(
        batch.map(async (key) => {
          const object = await bucket.get(key);
          if (!object) return null;
          const bytes = new Uint8Array(await object.arrayBuffer());
          return bytes.length === expected ? bytes : null;
        }),
      )),
    );
  }
  return read;
}
