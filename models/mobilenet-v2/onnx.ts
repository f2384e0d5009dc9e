/** MobileNetV2 on onnxruntime-web: the prepared model.onnx, converted from the same tfjs weights. */

import { onnxImageBackbone } from "../onnx-backbone";
import { runtimeVariant } from "../runtime-variant";
import { manifest } from "./manifest";

export const mobilenetV2Onnx = onnxImageBackbone(runtimeVariant(manifest, "onnx"), manifest.id);
