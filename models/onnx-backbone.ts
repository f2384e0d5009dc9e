/**
 * An image backbone run by onnxruntime-web: `model.onnx` from the backbone's prepared files
 * (checksum-verified), refused unless its real inputs and outputs are the manifest's, fed the same
 * preprocessed batch as the tfjs path (image-backbone.ts), and every cut layer read from the model
 * output of the same name. Serves the converted MobileNetV2 and a user's own ONNX image model alike.
 */

import { createOrtSession, type OnnxSignature, type OrtSession } from "../src/runtime/ort";
import type { Backbone, BackboneDefinition, ModelFiles } from "./backbone";
import { imageBackbone } from "./image-backbone";
import { type BackboneManifest, type CutLayer, layersByNode, outputShape } from "./manifest";
import { readPreparedFile } from "./prepared-file";
import { l2NormalizedRows, poolLayerRows } from "./vectors";

export const ONNX_MODEL_FILE = "model.onnx";

/** What the manifest promises about model.onnx: its inputs, and one float32 output per cut layer. */
export function manifestSignature(manifest: BackboneManifest): OnnxSignature {
  return {
    inputs: manifest.inputs,
    outputs: layersByNode(manifest).map((layer) => ({
      name: layer.node,
      dtype: "float32",
      shape: outputShape(layer) ?? [],
    })),
  };
}

/** The definition of an ONNX image backbone; `folder` when it shares another backbone's files. */
export function onnxImageBackbone(manifest: BackboneManifest, folder?: string): BackboneDefinition {
  return { manifest, folder, load: (files) => loadOnnxImageBackbone(files, manifest) };
}

export async function loadOnnxImageBackbone(
  files: ModelFiles,
  manifest: BackboneManifest,
): Promise<Backbone> {
  const [input] = manifest.inputs;
  if (input === undefined || manifest.inputs.length !== 1) {
    throw new Error(`${manifest.id}: an ONNX image backbone takes exactly one input`);
  }
  const model = await readPreparedFile(files, manifest, ONNX_MODEL_FILE);
  const session = await createOrtSession(new Uint8Array(model), {
    signature: manifestSignature(manifest),
  });
  return imageBackbone(
    manifest,
    (batch, layers) =>
      layerVectors(session, { [input.name]: { dtype: "float32" as const, ...batch } }, layers),
    () => void session.release(),
  );
}

/** Runs the model up to the cut layers' outputs, pools each as its layer asks, L2-normalises rows. */
async function layerVectors(
  session: OrtSession,
  feeds: Parameters<OrtSession["run"]>[0],
  layers: CutLayer[],
): Promise<Float32Array[][]> {
  const outputs = await session.run(feeds, [...new Set(layers.map((layer) => layer.node))]);
  return layers.map((layer) => {
    const output = outputs[layer.node];
    if (output === undefined || !(output.data instanceof Float32Array)) {
      throw new Error(`the model gave no float32 output '${layer.node}'`);
    }
    return l2NormalizedRows(poolLayerRows(output.data, output.dims, layer), layer.dim);
  });
}
