import type { BackboneManifest } from "../../models";
import { Problem } from "../problem";
import type { BackbonePool } from "../runtime/backbones";
import type { AdapterRecord } from "../storage/records";

/**
 * The backbone an adapter is bound to, as long as its weights are still the ones the adapter's
 * samples were embedded with: new weights would put new embeddings in a different space.
 */
export function adapterBackbone(pool: BackbonePool, adapter: AdapterRecord): BackboneManifest {
  const manifest = pool.manifest(adapter.backbone);
  if (manifest.weightsHash !== adapter.weightsHash) {
    throw new Problem(
      409,
      "backbone-changed",
      `adapter "${adapter.id}" was built on other weights of ${adapter.backbone} than the ones served now`,
      { expectedWeightsHash: adapter.weightsHash, servedWeightsHash: manifest.weightsHash },
    );
  }
  return manifest;
}
