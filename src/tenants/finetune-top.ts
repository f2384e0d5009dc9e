/**
 * Whether an adapter's binding can train a "finetune" head: one backbone (not a fusion) that
 * declares a trainable top and runs on tfjs (the runtime that gives the cut activations with the
 * embedding; an ONNX variant does not), with its embeddings taken at the top's output layer (the
 * frozen embeddings are what the pretrained top computes, so the finetune's epoch 0 is the frozen
 * head). Anything else is a 422 that names the backbones that can.
 */

import { isFusionId } from "../../models/fusion";
import type { BackboneManifest, TrainableTop } from "../../models/manifest";
import { Problem } from "../problem";
import type { BackbonePool } from "../runtime/backbones";
import type { BackboneBinding } from "../storage/records";

export interface FinetuneTop {
  manifest: BackboneManifest;
  top: TrainableTop;
}

type Binding = Pick<BackboneBinding, "backbone" | "layer">;

/** The binding's trainable top, or null when it cannot train a finetune head. */
export function trainableTopOf(pool: BackbonePool, binding: Binding): FinetuneTop | null {
  if (isFusionId(binding.backbone)) return null;
  const manifest = pool.manifest(binding.backbone);
  const top = manifest.trainableTop;
  if (!top || !hasCutRuntime(manifest)) return null;
  return binding.layer === null || binding.layer === top.output ? { manifest, top } : null;
}

/** The binding's trainable top; a 422 no-trainable-top naming the backbones that have one otherwise. */
export function finetuneTop(pool: BackbonePool, binding: Binding): FinetuneTop {
  const found = trainableTopOf(pool, binding);
  if (found) return found;
  const able = backbonesWithTop(pool);
  const top = isFusionId(binding.backbone)
    ? undefined
    : pool.manifest(binding.backbone).trainableTop;
  const why =
    top && hasCutRuntime(pool.manifest(binding.backbone))
      ? `a finetune head trains the top of ${binding.backbone}, which ends in layer "${top.output}"; this adapter embeds at "${binding.layer}"`
      : `${binding.backbone} has no trainable top that this deployment can train`;
  throw new Problem(
    422,
    "no-trainable-top",
    `${why}; backbones that can train a finetune head: ${able.join(", ")}`,
    { backbones: able },
  );
}

/** The backbones of this deployment that can train a finetune head. */
export function backbonesWithTop(pool: BackbonePool): string[] {
  return pool
    .manifests()
    .filter((manifest) => trainableTopOf(pool, { backbone: manifest.id, layer: null }))
    .map(({ id }) => id);
}

function hasCutRuntime(manifest: BackboneManifest): boolean {
  return manifest.runtime === "tfjs-graph" || manifest.runtime === "tfjs-layers";
}
