/** MobileNetV2's manifest, parsed; its own module so the ONNX variant can import it without tfjs. */

import { BackboneManifestSchema } from "../manifest";
import manifestJson from "./manifest.json";

export const manifest = BackboneManifestSchema.parse(manifestJson);
