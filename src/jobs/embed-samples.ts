/**
 * Embeds raw samples with a backbone in batches, preprocessing (decoding images) one batch at a
 * time, so a large adapter's images are never all decoded at once.
 */

import type { BackboneManifest } from "../../models";
import { toBackboneInputs } from "../routes/inputs";
import type { BackbonePool } from "../runtime/backbones";
import type { LabelledRaw } from "../selection/select-backbone";

const EMBED_BATCH = 32;

export async function embedSamples(
  pool: BackbonePool,
  manifest: BackboneManifest,
  layer: string,
  samples: LabelledRaw[],
  onBatch: (embedded: number) => void,
): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let start = 0; start < samples.length; start += EMBED_BATCH) {
    const batch = samples.slice(start, start + EMBED_BATCH).map((sample) => sample.raw);
    const inputs = toBackboneInputs(manifest, batch, EMBED_BATCH);
    const { embeddings } = await pool.embed(manifest.id, inputs, layer);
    vectors.push(...embeddings);
    onBatch(vectors.length);
  }
  return vectors;
}
