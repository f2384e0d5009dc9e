/**
 * The trainable top declared in the MobileNetV2 manifests (issue 12): its weights, read from the
 * prepared files without tfjs, run as a matrix product over the 7×7 positions, reproduce the
 * network's own Conv_1 (+ batch norm + ReLU6) output on the cut feature map.
 */

import * as tf from "@tensorflow/tfjs-core";
import { model as functionalModel } from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { memorySource } from "../../../adapters/finetune/activation-source";
import { sampleLength, topLayout } from "../../../adapters/finetune/layout";
import { startingModel } from "../../../adapters/finetune/start";
import { topEmbeddings, topLogits } from "../../../adapters/finetune/top-model";
import { TopActivations } from "../../../adapters/finetune/top-network";
import { argmaxRows, type Matrix } from "../../../adapters/linalg/matrix";
import { LogisticRegression } from "../../../adapters/logistic/logistic-regression";
import { StandardScaler } from "../../../adapters/preprocessing/standard-scaler";
import { BACKBONES } from "../../../models";
import { loadPreparedGraphModel } from "../../../models/graph-model";
import { loadPreparedLayersModel } from "../../../models/layers-model";
import { readTopWeights, requireTrainableTop } from "../../../models/trainable-top";
import { nodeHost } from "../../../src/runtime/node";
import { useTfjsWasm } from "../../../src/runtime/tfjs-wasm";
import { pictureRgb } from "../../fixtures/pictures";
import { loadBackbone, maxAbsDifference } from "./helpers";

const GRAPH_CONV_1 =
  "StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2/Conv_1/Relu6";

const CASES = [
  { id: "mobilenet-v2", inChannels: 448, outChannels: 1792 },
  { id: "mobilenet-v2-100", inChannels: 320, outChannels: 1280 },
] as const;

interface NetworkOutputs {
  block16: Float32Array;
  /** Conv_1's output after its ReLU6, before pooling. */
  conv1: Float32Array;
  /** The backbone's default embedding node (average-pooled Conv_1), before normalisation. */
  pooled: Float32Array;
}

/** What the network itself computes at the top's three points for one batch. */
async function networkOutputs(id: string, batch: tf.Tensor4D): Promise<NetworkOutputs> {
  const definition = BACKBONES[id];
  if (!definition) throw new Error(`unknown backbone ${id}`);
  const { manifest } = definition;
  const files = (await nodeHost()).modelFiles(id);
  const node = (name: string) =>
    manifest.cutLayers.find((layer) => layer.name === name)?.node ?? "";
  let outputs: tf.Tensor[];
  if (manifest.runtime === "tfjs-layers") {
    const full = await loadPreparedLayersModel(files, manifest);
    const truncated = functionalModel({
      inputs: full.inputs,
      outputs: [node("block16"), "out_relu", node("pooled")].map(
        (name) => full.getLayer(name).output,
      ) as never,
    });
    outputs = truncated.predict(batch) as tf.Tensor[];
    full.dispose();
  } else {
    const graph = await loadPreparedGraphModel(files, manifest);
    outputs = graph.execute({ input: batch }, [
      node("block16"),
      GRAPH_CONV_1,
      node("pooled"),
    ]) as tf.Tensor[];
    graph.dispose();
  }
  const [block16, conv1, pooled] = await Promise.all(
    outputs.map(async (tensor) => (await tensor.data()) as Float32Array),
  );
  tf.dispose(outputs);
  return { block16, conv1, pooled } as NetworkOutputs;
}

/** Rows of `flat` (count × dim), each divided by its L2 norm, as the backbones do. */
function normalisedRows(flat: Float32Array, count: number, dim: number): Matrix {
  const data = Float64Array.from(flat);
  for (let i = 0; i < count; i++) {
    const row = data.subarray(i * dim, (i + 1) * dim);
    const norm = Math.max(Math.hypot(...row), 1e-12);
    for (let j = 0; j < dim; j++) row[j] = (row[j] as number) / norm;
  }
  return { rows: count, cols: dim, data };
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
    const { block16, conv1 } = await networkOutputs(id, batch);
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
    const length = sampleLength(layout);
    const maps = [0, 1].map((i) => Float64Array.from(block16.slice(i * length, (i + 1) * length)));
    network.forward(theta, scaling, memorySource(maps, length), Int32Array.of(0, 1));

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

  it("before any finetuning step, gives the frozen head's logits on the network's own embedding", async () => {
    const count = 6;
    const host = await nodeHost();
    const weights = await readTopWeights(host.modelFiles(id), manifest);
    const batch = tf.randomUniform([count, 224, 224, 3], 0, 1, "float32", 5) as tf.Tensor4D;
    const { block16, pooled } = await networkOutputs(id, batch);
    batch.dispose();
    // A frozen logistic head on the backbone's own (normalised) embeddings of these images.
    const embeddings = normalisedRows(pooled, count, outChannels);
    const labels = Int32Array.from([0, 1, 2, 0, 1, 2]);
    const scaler = new StandardScaler().fit(embeddings);
    const logistic = new LogisticRegression({ C: 1 }).fit(scaler.transform(embeddings), labels);
    const frozen = logistic.decisionFunction(scaler.transform(embeddings));

    const start = startingModel(weights, scaler, logistic, 3);
    const length = weights.positions * inChannels;
    const maps = Array.from({ length: count }, (_, i) =>
      block16.subarray(i * length, (i + 1) * length),
    );
    const tuned = topLogits(
      start,
      memorySource(maps, length),
      Int32Array.from(maps, (_, i) => i),
    );
    let worst = 0;
    for (let i = 0; i < frozen.data.length; i++) {
      worst = Math.max(worst, Math.abs((tuned.data[i] as number) - (frozen.data[i] as number)));
    }
    expect(worst).toBeLessThanOrEqual(1e-4);
    expect([...argmaxRows(tuned)]).toEqual([...argmaxRows(frozen)]);
  });
});

describe.each(CASES)("$id embedded with its cut", ({ id, inChannels, outChannels }) => {
  it("gives the same embedding as embed, and the feature map the top turns into it", async () => {
    const backbone = await loadBackbone(id);
    const inputs = [11, 12, 13].map((seed) => ({
      kind: "image" as const,
      image: { width: 96, height: 80, data: pictureRgb(96, 80, seed) },
    }));
    const { maps, embeddings } = await (backbone.embedWithCut?.(inputs) ??
      Promise.reject(new Error("no embedWithCut")));
    const embedded = await backbone.embed(inputs);
    expect(maps.map((map) => map.length)).toEqual([1, 2, 3].map(() => 49 * inChannels));
    embeddings.forEach((embedding, i) => {
      expect(maxAbsDifference(embedding, embedded[i] as Float32Array)).toBeLessThanOrEqual(1e-6);
    });
    const weights = await readTopWeights((await nodeHost()).modelFiles(id), backbone.manifest);
    const identity = {
      layout: topLayout(49, inChannels, outChannels, 1),
      scaling: {
        mean: new Float64Array(outChannels),
        scale: new Float64Array(outChannels).fill(1),
      },
      theta: new Float64Array(topLayout(49, inChannels, outChannels, 1).size),
    };
    identity.theta.set(weights.kernel, identity.layout.topKernel);
    identity.theta.set(weights.bias, identity.layout.topBias);
    const ours = topEmbeddings(
      identity,
      memorySource(maps, 49 * inChannels),
      Int32Array.of(0, 1, 2),
    );
    embedded.forEach((embedding, i) => {
      const row = Float32Array.from(ours.data.subarray(i * outChannels, (i + 1) * outChannels));
      expect(maxAbsDifference(row, embedding)).toBeLessThanOrEqual(1e-5);
    });
    backbone.dispose();
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
