/**
 * The trainable top declared in the MobileNetV2 manifests (issue 12): its weights, read from the
 * prepared files without tfjs, run as a matrix product over the 7×7 positions, reproduce the
 * network's own Conv_1 (+ batch norm + ReLU6) output on the cut feature map.
 */

import * as tf from "@tensorflow/tfjs-core";
import { model as functionalModel } from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { topLayout } from "../../../adapters/finetune/layout";
import { TopActivations } from "../../../adapters/finetune/top-network";
import { BACKBONES } from "../../../models";
import { loadPreparedGraphModel } from "../../../models/graph-model";
import { loadPreparedLayersModel } from "../../../models/layers-model";
import { readTopWeights, requireTrainableTop } from "../../../models/trainable-top";
import { nodeHost } from "../../../src/runtime/node";
import { useTfjsWasm } from "../../../src/runtime/tfjs-wasm";

const GRAPH_CONV_1 =
  "StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2/Conv_1/Relu6";

const CASES = [
  { id: "mobilenet-v2", inChannels: 448, outChannels: 1792 },
  { id: "mobilenet-v2-100", inChannels: 320, outChannels: 1280 },
] as const;

/** The network's own block16 output and Conv_1 output (after its ReLU6) for one batch. */
async function networkOutputs(
  id: string,
  batch: tf.Tensor4D,
): Promise<[Float32Array, Float32Array]> {
  const definition = BACKBONES[id];
  if (!definition) throw new Error(`unknown backbone ${id}`);
  const { manifest } = definition;
  const files = (await nodeHost()).modelFiles(id);
  const cut = manifest.cutLayers.find((layer) => layer.name === "block16");
  if (!cut) throw new Error("no block16");
  let outputs: tf.Tensor[];
  if (manifest.runtime === "tfjs-layers") {
    const full = await loadPreparedLayersModel(files, manifest);
    const truncated = functionalModel({
      inputs: full.inputs,
      outputs: [full.getLayer(cut.node).output, full.getLayer("out_relu").output] as never,
    });
    outputs = truncated.predict(batch) as tf.Tensor[];
    full.dispose();
  } else {
    const graph = await loadPreparedGraphModel(files, manifest);
    outputs = graph.execute({ input: batch }, [cut.node, GRAPH_CONV_1]) as tf.Tensor[];
    graph.dispose();
  }
  const [block16, conv1] = outputs as [tf.Tensor, tf.Tensor];
  const result: [Float32Array, Float32Array] = [
    (await block16.data()) as Float32Array,
    (await conv1.data()) as Float32Array,
  ];
  tf.dispose(outputs);
  return result;
}

describe.each(CASES)("trainable top of $id", ({ id, inChannels, outChannels }) => {
  const manifest = BACKBONES[id]?.manifest;
  if (!manifest) throw new Error(`${id} is not registered`);
  beforeAll(async () => useTfjsWasm((await nodeHost()).tfjsWasm));

  it("runs Conv_1 (batch norm folded) + ReLU6 as a matrix product over positions, as the network does", async () => {
    const host = await nodeHost();
    const weights = await readTopWeights(host.modelFiles(id), manifest);
    expect(weights).toMatchObject({ positions: 49, inChannels, outChannels });
    const batch = tf.randomUniform([2, 224, 224, 3], 0, 1, "float32", 12) as tf.Tensor4D;
    const [block16, conv1] = await networkOutputs(id, batch);
    batch.dispose();

    const layout = topLayout(weights.positions, inChannels, outChannels, 1);
    const theta = new Float64Array(layout.size);
    theta.set(weights.kernel, layout.topKernel);
    theta.set(weights.bias, layout.topBias);
    const network = new TopActivations(layout, 2);
    const scaling = {
      mean: new Float64Array(outChannels),
      scale: new Float64Array(outChannels).fill(1),
    };
    network.forward(theta, scaling, Float64Array.from(block16), 2);

    let worst = 0;
    let active = 0;
    for (let i = 0; i < conv1.length; i++) {
      const ours = Math.min(Math.max(network.pre[i] as number, 0), 6);
      worst = Math.max(worst, Math.abs(ours - (conv1[i] as number)));
      if (ours > 0) active++;
    }
    expect(worst).toBeLessThanOrEqual(1e-4);
    // Not a vacuous match of zeros: a good share of the units is on.
    expect(active / conv1.length).toBeGreaterThan(0.01);
  });
});

describe("backbones without a trainable top", () => {
  const all = Object.values(BACKBONES).map((definition) => definition.manifest);
  it.each(["use-lite", "inception-v3", "lexical"])("%s refuses, naming those with one", (id) => {
    const manifest = BACKBONES[id]?.manifest;
    if (!manifest) throw new Error(`${id} is not registered`);
    expect(() => requireTrainableTop(manifest, all)).toThrow(
      /no trainable top.*mobilenet-v2, mobilenet-v2-onnx, mobilenet-v2-auto, mobilenet-v2-100/,
    );
  });

  it("the MobileNetV2s and their runtime variants declare the block16 → pooled top", () => {
    for (const id of [
      "mobilenet-v2",
      "mobilenet-v2-onnx",
      "mobilenet-v2-auto",
      "mobilenet-v2-100",
    ]) {
      const manifest = BACKBONES[id]?.manifest;
      if (!manifest) throw new Error(`${id} is not registered`);
      expect(requireTrainableTop(manifest, all)).toMatchObject({
        cut: "block16",
        output: "pooled",
      });
    }
  });
});
