/**
 * MobileNetV2 1.4 image backbone (nsfwjs mobilenet_v2_mid) on tfjs. Each image is centre-cropped and
 * bilinearly resized to 224×224 in TS, scaled to [0,1] (the graph maps that to [-1,1] itself), and the
 * graph is run up to the chosen cut layer only, so nsfwjs's 5-class head is never evaluated.
 * The same weights run on onnxruntime as `mobilenet-v2-onnx` (./onnx.ts) and `mobilenet-v2-auto`.
 */

import type { Backbone, BackboneDefinition, ModelFiles } from "../backbone";
import { inputNode, loadPreparedGraphModel } from "../graph-model";
import type { BackboneManifest } from "../manifest";
import { tfjsImageBackbone } from "../tfjs-image-backbone";
import { manifest } from "./manifest";

export { manifest };

/** The tfjs graph model of `forManifest` (this manifest or one of its runtime variants). */
export async function loadTfjs(
  files: ModelFiles,
  forManifest: BackboneManifest = manifest,
): Promise<Backbone> {
  const model = await loadPreparedGraphModel(files, forManifest);
  const inputName = inputNode(forManifest, 0);
  return tfjsImageBackbone(
    forManifest,
    (batch, nodes) => {
      // A one-element list of outputs still comes back as a single tensor.
      const outputs = model.execute({ [inputName]: batch }, nodes);
      return Array.isArray(outputs) ? outputs : [outputs];
    },
    () => model.dispose(),
  );
}

export const mobilenetV2: BackboneDefinition = { manifest, load: (files) => loadTfjs(files) };
