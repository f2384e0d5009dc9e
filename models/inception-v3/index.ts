/** InceptionV3 (299×299), the Keras model nsfwjs fine-tuned, on tfjs-layers (see manifest.json). */

import { layersImageBackbone } from "../layers-model";
import { BackboneManifestSchema } from "../manifest";
import manifestJson from "./manifest.json";

export const inceptionV3 = layersImageBackbone(BackboneManifestSchema.parse(manifestJson));
