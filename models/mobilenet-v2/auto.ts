/** MobileNetV2 on whichever of tfjs and onnxruntime the host measures faster (src/runtime/auto-runtime.ts). */

import type { BackboneDefinition } from "../backbone";
import { loadOnnxImageBackbone } from "../onnx-backbone";
import { runtimeVariant } from "../runtime-variant";
import { loadTfjs, manifest } from "./index";

const autoManifest = runtimeVariant(manifest, "auto");

export const mobilenetV2Auto: BackboneDefinition = {
  manifest: autoManifest,
  folder: manifest.id,
  load: (files, runtime) =>
    runtime === "onnx" ? loadOnnxImageBackbone(files, autoManifest) : loadTfjs(files, autoManifest),
};
