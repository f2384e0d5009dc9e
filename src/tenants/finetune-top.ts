/**
 * Whether an adapter's binding can train a "finetune" head: one backbone (not a fusion) whose
 * manifest declares a trainable top, with its embeddings taken at the top's output layer (the
 * frozen embeddings are what the pretrained top computes, so the finetune's epoch 0 is the frozen
 * head). Anything else is a 422 that names the backbones that have a top.
 */

import { isFusionId } from "../../models/fusion";
import type { BackboneManifest, TrainableTop } from "../../models/manifest";
import { requireTrainableTop } from "../../models/trainable-top";
import { Problem } from "../problem";
import type { BackbonePool } from "../runtime/backbones";
import type { BackboneBinding } from "../storage/records";

export interface FinetuneTop {
  manifest: BackboneManifest;
  top: TrainableTop;
}

export function finetuneTop(
  pool: BackbonePool,
  binding: Pick<BackboneBinding, "backbone" | "layer">,
): FinetuneTop {
  const all = pool.manifests();
  if (isFusionId(binding.backbone)) {
    const withTop = all.filter((manifest) => manifest.trainableTop).map(({ id }) => id);
    throw new Problem(
      422,
      "no-trainable-top",
      `a fusion (${binding.backbone}) has no trainable top, so it cannot train a finetune head; backbones with one: ${withTop.join(", ")}`,
    );
  }
  const manifest = pool.manifest(binding.backbone);
  const top = requireTrainableTop(manifest, all);
  if (binding.layer !== null && binding.layer !== top.output) {
    throw new Problem(
      422,
      "no-trainable-top",
      `a finetune head trains ${manifest.id}'s top, which ends in layer "${top.output}"; this adapter embeds at "${binding.layer}"`,
    );
  }
  return { manifest, top };
}
