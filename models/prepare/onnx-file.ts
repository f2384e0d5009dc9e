/** The ONNX copy of a prepared tfjs graph: every cut layer's node becomes a model output. */

import { type BackboneManifest, layersByNode } from "../manifest";
import { convertTfjsGraphToOnnx, type TfjsGraphModelJson } from "../onnx";
import type { GraphModelJson } from "./extract";

export const ONNX_FILE = "model.onnx";

export function onnxFile(
  model: GraphModelJson,
  weights: Uint8Array,
  manifest: BackboneManifest,
): { path: string; bytes: Uint8Array } {
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  const outputNodes = layersByNode(manifest).map((layer) => layer.node);
  const bytes = convertTfjsGraphToOnnx(model as TfjsGraphModelJson, weightData, { outputNodes });
  return { path: ONNX_FILE, bytes };
}
