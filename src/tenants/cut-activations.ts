/**
 * Embedding for a finetune adapter: one pass of the backbone gives each input's frozen embedding
 * (what the sample stores) and its activations at the cut, which are encoded and kept in R2
 * (src/storage/cut-activations.ts), so training never runs the frozen body again.
 */

import { encodeActivations } from "../../adapters";
import type { BackboneInput } from "../../models";
import type { BackbonePool } from "../runtime/backbones";
import { activationKey, cutGeometry, writeActivations } from "../storage/cut-activations";
import type { AdapterRecord } from "../storage/records";
import { finetuneTop } from "./finetune-top";

export interface EmbeddedWithCut {
  embeddings: Float32Array[];
  /** The encoded activations, by input. */
  encoded: Uint8Array[];
}

export async function embedAndKeepCut(
  pool: BackbonePool,
  bucket: R2Bucket,
  tenantId: string,
  adapter: AdapterRecord,
  inputs: { input: BackboneInput; hash: string }[],
): Promise<EmbeddedWithCut> {
  const { manifest, top } = finetuneTop(pool, adapter);
  const { positions, channels } = cutGeometry(manifest, top);
  const { maps, embeddings } = await pool.embedWithCut(
    adapter.backbone,
    inputs.map(({ input }) => input),
  );
  const encoded = maps.map((map) => encodeActivations(map, positions, channels));
  await writeActivations(
    bucket,
    inputs.map(({ hash }, i) => ({
      key: activationKey(tenantId, adapter.id, adapter.weightsHash, hash),
      bytes: encoded[i] as Uint8Array,
    })),
  );
  return { embeddings, encoded };
}
