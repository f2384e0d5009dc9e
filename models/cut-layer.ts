/** Resolving the cut layer a caller names (or the manifest's default output, or an adapter's). */

import { InputError } from "./input-error";
import type { BackboneManifest, CutLayer } from "./manifest";

export function resolveCutLayer(
  manifest: BackboneManifest,
  name = manifest.output.layer,
): CutLayer {
  const layer = manifest.cutLayers.find((candidate) => candidate.name === name);
  if (!layer) {
    const known = manifest.cutLayers.map((candidate) => candidate.name).join(", ");
    throw new InputError(
      "unknown-layer",
      `${manifest.id} has no cut layer "${name}"; known: ${known}`,
    );
  }
  return layer;
}

/**
 * The cut layer a new adapter starts on when it names none (BackboneManifest.adapterLayer). One that
 * will train its backbone's top (`finetune`) starts where the top ends, its frozen embeddings.
 */
export function adapterLayerOf(manifest: BackboneManifest, { finetune = false } = {}): string {
  const top = finetune ? manifest.trainableTop?.output : undefined;
  return top ?? manifest.adapterLayer ?? manifest.output.layer;
}
