/** MobileNetV2 width 1.0 (224×224), the Keras model nsfwjs fine-tuned, on tfjs-layers (see manifest.json). */

import { layersImageBackbone } from "../layers-model";
import { BackboneManifestSchema } from "../manifest";
import manifestJson from "./manifest.json";

export const mobilenetV2100 = layersImageBackbone(BackboneManifestSchema.parse(manifestJson));
