/**
 * Where one image prediction's time goes, stage by stage, in Node: decode (base64 + JPEG or PNG),
 * resize (centre crop, bilinear to 224×224, ÷ divisor), network (MobileNetV2 on each wasm runtime),
 * head (a 10-class logistic head's calibrated probabilities and top-k) and JSON (the response body).
 * Each stage is timed alone, in CPU time of this process (robust to other load on a shared machine:
 * it counts this process's work, not the wait for a core), median over the runs.
 */

import jpeg from "jpeg-js";
import { trainHead } from "../../adapters";
import { BACKBONES } from "../../models";
import { decodeUntrustedImage } from "../../models/image";
import { imageBatch } from "../../models/image-backbone";
import { convertedMobileNetV2 } from "../../test/fixtures/onnx/mobilenet-v2";
import { picturePng, pictureRgb, toBase64 } from "../../test/fixtures/pictures";
import { RUNNERS } from "./runtimes";

const WIDTH = 320;
const HEIGHT = 240;
const NETWORKS = ["tfjs-wasm (graph model)", "onnxruntime-web wasm (opt all, batch pinned)"];

/** Median CPU milliseconds (user + system) of `run` over `runs` calls, after two warm-ups. */
async function cpuMs(run: () => unknown, runs: number): Promise<number> {
  await run();
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const before = process.cpuUsage();
    await run();
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

function jpegBytes(): Uint8Array {
  const rgb = pictureRgb(WIDTH, HEIGHT, 1);
  const rgba = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let p = 0; p < WIDTH * HEIGHT; p++) {
    rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return jpeg.encode({ width: WIDTH, height: HEIGHT, data: rgba }, 90).data;
}

/** A logistic head on the backbone's dimension, trained on random vectors (only its cost matters). */
async function logisticHead(dim: number) {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const samples = Array.from({ length: 60 }, (_, i) => ({
    label: `class-${i % 10}`,
    features: Float32Array.from({ length: dim }, random),
  }));
  const { head } = await trainHead({
    headType: "logistic",
    backbone: { id: "mobilenet-v2", weightsHash: "bench", dim },
    samples,
    options: { sweep: { cGrid: [1] } },
  });
  return head;
}

export async function benchBreakdown(runs = 15): Promise<string> {
  const manifest = BACKBONES["mobilenet-v2"]?.manifest;
  if (manifest === undefined) throw new Error("mobilenet-v2 is not a known backbone");
  const rows: [string, number][] = [];
  const encoded = { jpeg: toBase64(jpegBytes()), png: toBase64(picturePng(WIDTH, HEIGHT, 1)) };
  for (const [format, base64] of Object.entries(encoded)) {
    rows.push([
      `decode: base64 + ${format.toUpperCase()} ${WIDTH}×${HEIGHT}`,
      await cpuMs(() => decodeUntrustedImage(Buffer.from(base64, "base64")), runs),
    ]);
  }
  const image = await decodeUntrustedImage(Buffer.from(encoded.jpeg, "base64"));
  rows.push([
    "resize: centre crop + bilinear to 224×224 + ÷ divisor",
    await cpuMs(() => imageBatch(manifest, [image]), runs),
  ]);
  const batch = imageBatch(manifest, [image]);
  const { onnx, outputNode } = await convertedMobileNetV2();
  let embedding: Float32Array = new Float32Array(0);
  for (const name of NETWORKS) {
    const definition = RUNNERS[name];
    if (definition === undefined) throw new Error(`unknown runtime ${name}`);
    const runner = await definition.create({ onnx, outputNode, batch: 1 });
    rows.push([
      `network: ${name}`,
      await cpuMs(async () => {
        embedding = await runner.infer(batch.data, 1);
      }, runs),
    ]);
  }
  const head = await logisticHead(embedding.length);
  let predictions = head.predict([embedding], { topK: 3 });
  rows.push([
    "head: logistic, 10 classes, calibrated probabilities + top 3",
    await cpuMs(() => {
      predictions = head.predict([embedding], { topK: 3 });
    }, runs * 10),
  ]);
  const body = { predictions, headVersion: 1, backbone: manifest.id, latencyMs: 0 };
  rows.push(["JSON: response body", await cpuMs(() => JSON.stringify(body), runs * 10)]);
  return [
    "| stage (one image, Node) | CPU ms (median) |",
    "|---|---:|",
    ...rows.map(([stage, ms]) => `| ${stage} | ${ms.toFixed(2)} |`),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchBreakdown());
}
