import type { AdapterHeadType } from "../../adapters";
import type { BackboneManifest } from "../../models";
import { adapterLayerOf, resolveCutLayer } from "../../models/cut-layer";
import { fusionLayers, isFusionId } from "../../models/fusion";
import { Problem } from "../problem";
import type { BackbonePool } from "../runtime/backbones";
import {
  type Availability,
  availability,
  availabilityHere,
  fusionAvailability,
} from "../selection/candidates";
import type { AdapterRecord, BackboneBinding } from "../storage/records";

/**
 * What an adapter on `backbone` (one backbone id, or a fusion such as `lexical+use-lite`) is bound
 * to: its weights, layer and dim. A fusion whose backbones' weights would not fit the isolate
 * together is refused here, before any sample is embedded with it; so is a backbone this isolate
 * has no room for. No `layer` named: the one an adapter of `headType` starts on (`adapterLayerOf`).
 * `forEmbedding`: the binding of a lone embedding (/v1/embed), not of an adapter: a backbone with no
 * room here answers 503 when it embeds, as an upload would, and no `layer` is the published output.
 */
export function bindingFor(
  pool: BackbonePool,
  backbone: string,
  layer?: string,
  { forEmbedding = false, headType }: { forEmbedding?: boolean; headType?: AdapterHeadType } = {},
): BackboneBinding {
  if (!isFusionId(backbone)) {
    const manifest = pool.manifest(backbone);
    const available = forEmbedding
      ? availability(manifest, pool.runtimes)
      : availabilityHere(manifest, pool);
    assertServable(backbone, available);
    const cut = resolveCutLayer(
      manifest,
      layer ??
        (forEmbedding
          ? undefined
          : adapterLayerOf(manifest, { finetune: headType === "finetune" })),
    );
    return {
      backbone,
      backboneVersion: manifest.version,
      weightsHash: manifest.weightsHash,
      dim: cut.dim,
      layer: cut.name,
      blocks: null,
    };
  }
  const fusion = pool.fusion(backbone);
  // A selection's fusion candidate names its layers again, joined (see fusionLayers); anything else is refused.
  if (layer !== undefined && layer !== fusionLayers(fusion)) {
    throw new Problem(
      422,
      "invalid-fusion",
      `a fusion names its parts' layers in its id (e.g. mobilenet-v2:pooled+mobilenet-v2:block12), not in layer "${layer}"`,
    );
  }
  const fits = fusionAvailability(fusion, pool.runtimes);
  if (!fits.available) {
    throw new Problem(
      422,
      "fusion-too-large",
      `${fusion.id} cannot be served here: ${fits.reasons.join("; ")}`,
      { estimatedPeakBytes: fits.estimatedPeakBytes, wasmHeapBytes: fits.wasmHeapBytes },
    );
  }
  return {
    backbone: fusion.id,
    backboneVersion: fusion.version,
    weightsHash: fusion.weightsHash,
    dim: fusion.dim,
    layer: null,
    blocks: fusion.blocks,
  };
}

/**
 * An adapter serves from a Worker isolate: a backbone this deployment cannot run there (another
 * runtime, licence, or weights over the share of 128 MB a backbone may take while loading, as
 * InceptionV3's) is refused before any sample is embedded with it, as selection leaves it out.
 */
function assertServable(backbone: string, available: Availability): void {
  if (available.available) return;
  throw new Problem(
    422,
    "backbone-unavailable",
    `${backbone} cannot be served here: ${available.reasons.join("; ")}`,
    { reasons: available.reasons, estimatedPeakBytes: available.estimatedPeakBytes },
  );
}

/**
 * The manifest that prepares the adapter's inputs (a fusion's parts take the same ones), as long as
 * the weights are still the ones the adapter's samples were embedded with: new weights would put
 * new embeddings in a different space.
 */
export function adapterBackbone(pool: BackbonePool, adapter: AdapterRecord): BackboneManifest {
  const served = pool.served(adapter.backbone);
  if (served.weightsHash !== adapter.weightsHash) {
    throw new Problem(
      409,
      "backbone-changed",
      `adapter "${adapter.id}" was built on other weights of ${adapter.backbone} than the ones served now`,
      { expectedWeightsHash: adapter.weightsHash, servedWeightsHash: served.weightsHash },
    );
  }
  return served.inputs;
}
