/**
 * A vector set's cut activations into the job runner, a page per step: read from R2 (kept when the
 * samples were uploaded to a finetune adapter, or by an earlier job), or, where none is stored,
 * computed again from the sample's retained raw bytes (a few per step, like a switch's re-embedding)
 * and kept in R2 for the next job. The runner holds them position by position, in the set's order,
 * and a finetune fit reads them back a mini-batch at a time. Used by a finetune training (its
 * snapshot, on the adapter's backbone) and by a selection's top-unfrozen candidate (its vectors, on
 * the candidate's backbone).
 */

import { type CutActivationSource, encodedSource } from "../../adapters";
import type { BackboneInput } from "../../models";
import { decodedBatches } from "../selection/embed-raw";
import {
  activationKey,
  type CutGeometry,
  cutGeometry,
  readActivations,
} from "../storage/cut-activations";
import type { AdapterRecord } from "../storage/records";
import type { RawSampleRef } from "../storage/samples-table";
import { embedAndKeepCut } from "../tenants/cut-activations";
import { finetuneTop } from "../tenants/finetune-top";
import type { JobContext } from "./job-steps";
import { readRetainedSamples } from "./retained-samples";

/** Samples whose stored activations one step copies into the runner (~0.7 MB at 22 KB each). */
const CUT_PAGE = 32;
/** Samples one step embeds again from raw bytes: about 250 ms of MobileNetV2 on one core each. */
const EMBED_CHUNK = 4;

/**
 * Copies the next page of `set`'s activations at the cut of `binding`'s trainable top (the adapter,
 * or the adapter as if bound to a selection candidate's backbone: the R2 keys follow its weights
 * hash); true once the runner holds them all. `refs` gives the adapter's raw samples by hash.
 */
export async function copyNextActivations(
  context: JobContext,
  set: string,
  binding: AdapterRecord,
  refs: () => Promise<Map<string, RawSampleRef>>,
): Promise<boolean> {
  const { vectors, rawSamples, tenantId } = context;
  const pool = context.backbones();
  const { manifest, top } = finetuneTop(pool, binding);
  const filled = vectors.countActivations();
  const page = vectors.readVectors(set, filled, CUT_PAGE);
  const keys = page.map(({ hash }) =>
    activationKey(tenantId, binding.id, binding.weightsHash, hash),
  );
  const stored = await readActivations(rawSamples, keys, cutGeometry(manifest, top));
  // The page up to its (EMBED_CHUNK + 1)-th missing sample; the missing ones are embedded again.
  const missing: number[] = [];
  let end = 0;
  for (; end < page.length; end++) {
    if (stored[end]) continue;
    if (missing.length === EMBED_CHUNK) break;
    missing.push(end);
  }
  if (missing.length > 0) {
    const byHash = await refs();
    const chunk = missing.map((i) => {
      const { hash, label } = page[i] as { hash: string; label: string };
      return byHash.get(hash) ?? { hash, label, rawKey: null };
    });
    const raws = await readRetainedSamples(rawSamples, chunk, manifest.modality);
    const inputs: BackboneInput[] = [];
    for await (const batch of decodedBatches(
      manifest,
      raws.map(({ raw }) => raw),
    )) {
      inputs.push(...batch);
    }
    const { encoded } = await embedAndKeepCut(
      pool,
      rawSamples,
      tenantId,
      binding,
      inputs.map((input, k) => ({ input, hash: (chunk[k] as RawSampleRef).hash })),
    );
    missing.forEach((i, k) => {
      stored[i] = encoded[k] as Uint8Array;
    });
  }
  vectors.appendActivations(stored.slice(0, end) as Uint8Array[]);
  return filled + end >= vectors.countVectors(set);
}

/** The runner's activations by position, decoded from its rows a mini-batch at a time. */
export function runnerActivationSource(
  vectors: JobContext["vectors"],
  { positions, channels }: CutGeometry,
): CutActivationSource {
  return encodedSource((indices) => vectors.readActivations(indices), positions, channels);
}
