/**
 * Which embedding space (backbone weights and cut layer) vectors live in, and the checks that keep
 * an adapter's samples and its active head in the same one.
 */

import type { BackboneRef } from "../../adapters";
import { Problem } from "../problem";
import type { AdapterRecord, BackboneBinding, EmbeddingSpace, VersionRecord } from "./records";

/**
 * A head only understands embeddings from the backbone (weights and cut layer) it was trained on,
 * and the adapter's samples are stored in its current backbone's space: activating a version from
 * another backbone would serve it wrong embeddings, so it is refused until the adapter is switched
 * back (which re-embeds the samples).
 */
export function assertVersionFitsAdapter(adapter: AdapterRecord, version: VersionRecord): void {
  const { binding } = version;
  if (!sameSpace(adapter, binding)) {
    // A fusion has no layer of its own: its id names its parts' layers.
    const at = (backbone: string, layer: string | null) =>
      layer === null ? backbone : `${backbone}/${layer}`;
    throw new Problem(
      409,
      "version-on-other-backbone",
      `version ${version.version} was trained on ${at(binding.backbone, binding.layer)}, but adapter "${adapter.id}" is on ${at(adapter.backbone, adapter.layer)}; switch it back with POST /v1/adapters/${adapter.id}/select/apply ${JSON.stringify({ backbone: binding.backbone, layer: binding.layer ?? undefined })} first`,
      { versionBackbone: binding, adapterBackbone: at(adapter.backbone, adapter.layer) },
    );
  }
}

function sameSpace(adapter: AdapterRecord, space: EmbeddingSpace): boolean {
  return (
    space.backbone === adapter.backbone &&
    space.weightsHash === adapter.weightsHash &&
    space.layer === adapter.layer
  );
}

/** Samples embedded before a backbone switch committed would sit in the old space among new ones. */
export function assertEmbeddedInAdapterSpace(
  adapter: AdapterRecord,
  embeddedWith: EmbeddingSpace,
): void {
  if (!sameSpace(adapter, embeddedWith)) {
    throw new Problem(
      409,
      "backbone-changed",
      `adapter "${adapter.id}" switched backbones while these samples were being embedded; upload them again`,
    );
  }
}

/** The backbone (or fusion) a head of the binding is trained on; a fusion's blocks are balanced. */
export function headBackbone(binding: BackboneBinding): BackboneRef {
  return {
    id: binding.backbone,
    weightsHash: binding.weightsHash,
    dim: binding.dim,
    ...(binding.blocks === null ? {} : { blocks: binding.blocks }),
  };
}
