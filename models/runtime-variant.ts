/**
 * The same model served on another runtime under its own id: the manifest is the model's own
 * (preprocessing, cut layers, files, weightsHash) with only id and runtime changed, and re-validated,
 * so the variant must have the files its runtime needs.
 */

import { type BackboneManifest, BackboneManifestSchema } from "./manifest";

export function runtimeVariant(
  manifest: BackboneManifest,
  runtime: "onnx" | "auto",
): BackboneManifest {
  return BackboneManifestSchema.parse({ ...manifest, id: `${manifest.id}-${runtime}`, runtime });
}
