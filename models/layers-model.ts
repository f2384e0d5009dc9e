/**
 * Image backbones that are Keras models in tfjs-layers format (runtime `tfjs-layers`): the prepared
 * model.json (topology) + weights.bin, loaded by tfjs-layers on the same wasm backend as graph models.
 * A cut layer is any layer's name; the network is truncated there once, on first use, so layers after
 * it (the package's own classifier) never run.
 */

import {
  model as functionalModel,
  type LayersModel,
  loadLayersModel,
  type SymbolicTensor,
} from "@tensorflow/tfjs-layers";
import type { BackboneDefinition, ModelFiles } from "./backbone";
import { preparedArtifacts } from "./graph-model";
import type { BackboneManifest } from "./manifest";
import { tfjsImageBackbone } from "./tfjs-image-backbone";

/** The prepared Keras model → a tfjs LayersModel on the current backend. */
export async function loadPreparedLayersModel(
  files: ModelFiles,
  manifest: BackboneManifest,
): Promise<LayersModel> {
  return loadLayersModel(await preparedArtifacts(files, manifest));
}

/** The Keras image backbone described by `manifest` (input: the model's own input layer). */
export function layersImageBackbone(manifest: BackboneManifest): BackboneDefinition {
  return {
    manifest,
    async load(files) {
      const full = await loadPreparedLayersModel(files, manifest);
      const truncated = new Map<string, LayersModel>();
      const upTo = (nodes: string[]): LayersModel => {
        const key = nodes.join("\n");
        let model = truncated.get(key);
        if (!model) {
          // Shares the full model's layers and weights; only the graph walked is shorter.
          const outputs = nodes.map((node) => full.getLayer(node).output as SymbolicTensor);
          model = functionalModel({ inputs: full.inputs, outputs });
          truncated.set(key, model);
        }
        return model;
      };
      return tfjsImageBackbone(
        manifest,
        (batch, nodes) => {
          const outputs = upTo(nodes).predict(batch);
          return Array.isArray(outputs) ? outputs : [outputs];
        },
        () => full.dispose(),
      );
    },
  };
}
