/**
 * The accuracy cost of the int8 QDQ MobileNetV2: `npx tsx bench/onnx/quantized-accuracy.ts [train] [test]`.
 * Fashion-MNIST images (the first `train` training and `test` test images) are embedded by the
 * float and the int8 model, both on onnxruntime-node (native, for speed: the same graph optimiser
 * and integer kernels' results as the wasm build, up to rounding); then the cosine of each image's
 * two embeddings, and the held-out accuracy of the same 64-shot logistic head protocol on each.
 */

import * as ort from "onnxruntime-node";
import { trainHead } from "../../adapters";
import { imageBatch } from "../../models/image-backbone";
import { l2NormalizedRows } from "../../models/vectors";
import {
  convertedMobileNetV2,
  mobilenetManifest,
  quantizedMobileNetV2,
} from "../../test/fixtures/onnx/mobilenet-v2";
import { fashionMnist } from "../datasets/fashion-mnist";
import { shotSplit } from "../heads/shot-splits";

const BATCH = 16;
const SEEDS = [0, 1, 2];

async function embedAll(model: Uint8Array, outputNode: string, batches: Float32Array[]) {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const rows: Float32Array[] = [];
  for (const data of batches) {
    const count = data.length / (224 * 224 * 3);
    const result = await session.run(
      { input: new ort.Tensor("float32", data, [count, 224, 224, 3]) },
      [outputNode],
    );
    const flat = result[outputNode]?.data as Float32Array;
    rows.push(...l2NormalizedRows(flat, flat.length / count));
  }
  await session.release();
  return rows;
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return dot / Math.sqrt(aa * bb);
}

/** Test accuracy of the API's logistic training protocol on 64 samples per class, per seed. */
async function headAccuracy(features: Float32Array[], labels: string[], isTest: boolean[]) {
  const classes = [...new Set(labels)].sort();
  const y = Int32Array.from(labels, (l) => classes.indexOf(l));
  const backbone = { id: "mobilenet-v2", weightsHash: "bench", dim: features[0]?.length ?? 0 };
  const accuracies: number[] = [];
  for (const seed of SEEDS) {
    const { pool, test } = shotSplit(y, isTest, 64, seed);
    const samples = Array.from(pool, (i) => ({
      features: features[i] as Float32Array,
      label: labels[i] as string,
    }));
    const { head } = await trainHead({
      headType: "logistic",
      backbone,
      samples,
      options: { seed },
    });
    const predictions = head.predict(
      Array.from(test, (i) => features[i] as Float32Array),
      { topK: 1, abstain: false },
    );
    const correct = predictions.filter((p, k) => p.label === labels[test[k] as number]).length;
    accuracies.push(correct / test.length);
  }
  return accuracies;
}

export async function benchQuantizedAccuracy(trainCount = 1000, testCount = 1000) {
  const manifest = mobilenetManifest();
  const { onnx, outputNode } = await convertedMobileNetV2();
  const quantized = await quantizedMobileNetV2(onnx);
  const [train, test] = await Promise.all([
    fashionMnist("train", trainCount),
    fashionMnist("test", testCount),
  ]);
  const images = [...train.images, ...test.images];
  const labels = [...train.labels, ...test.labels];
  const isTest = images.map((_, i) => i >= train.images.length);
  const batches: Float32Array[] = [];
  for (let i = 0; i < images.length; i += BATCH) {
    batches.push(imageBatch(manifest, images.slice(i, i + BATCH)).data);
  }
  const float = await embedAll(onnx, outputNode, batches);
  const int8 = await embedAll(quantized, outputNode, batches);
  const cosines = float.map((f, i) => cosine(f, int8[i] as Float32Array)).sort((a, b) => a - b);
  const floatAccuracy = await headAccuracy(float, labels, isTest);
  const int8Accuracy = await headAccuracy(int8, labels, isTest);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const pct = (values: number[]) =>
    `${(100 * mean(values)).toFixed(1)} (${values.map((v) => (100 * v).toFixed(1)).join(", ")})`;
  return [
    `Fashion-MNIST, ${train.images.length} training + ${test.images.length} test images, MobileNetV2 on onnxruntime-node; int8 calibrated on 8 synthetic pictures (none from Fashion-MNIST).`,
    "",
    "| model | cosine to float, min / p5 / median | 64-shot logistic test accuracy %, mean (seeds 0, 1, 2) |",
    "|---|---|---|",
    `| float32 | 1 | ${pct(floatAccuracy)} |`,
    `| int8 QDQ | ${cosines[0]?.toFixed(4)} / ${cosines[Math.floor(cosines.length * 0.05)]?.toFixed(4)} / ${cosines[Math.floor(cosines.length / 2)]?.toFixed(4)} | ${pct(int8Accuracy)} |`,
    "",
    `Accuracy cost: ${(100 * (mean(floatAccuracy) - mean(int8Accuracy))).toFixed(2)} points.`,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [train, test] = process.argv.slice(2).map(Number);
  console.log(await benchQuantizedAccuracy(train || undefined, test || undefined));
}
