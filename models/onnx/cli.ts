/**
 * Converts a prepared tfjs graph model to ONNX:
 *   npx tsx models/onnx/cli.ts <model.json> <weights.bin> <out.onnx> <outputNode>…
 * `weights.bin` is every weight file of the manifest concatenated (models/prepare writes one).
 */

import { readFile, writeFile } from "node:fs/promises";
import { convertTfjsGraphToOnnx } from "./convert";
import type { TfjsGraphModelJson } from "./tfjs-graph";

export async function convertFiles(
  modelJsonPath: string,
  weightsPath: string,
  outPath: string,
  outputNodes: readonly string[],
): Promise<number> {
  const modelJson = JSON.parse(await readFile(modelJsonPath, "utf8")) as TfjsGraphModelJson;
  const weights = await readFile(weightsPath);
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  const onnx = convertTfjsGraphToOnnx(modelJson, weightData, { outputNodes });
  await writeFile(outPath, onnx);
  return onnx.byteLength;
}

const args = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  const [modelJsonPath, weightsPath, outPath, ...outputNodes] = args;
  if (
    modelJsonPath === undefined ||
    weightsPath === undefined ||
    outPath === undefined ||
    outputNodes.length === 0
  ) {
    console.error(
      "usage: tsx models/onnx/cli.ts <model.json> <weights.bin> <out.onnx> <outputNode>…",
    );
    process.exit(2);
  }
  const bytes = await convertFiles(modelJsonPath, weightsPath, outPath, outputNodes);
  console.log(`wrote ${outPath} (${bytes} bytes)`);
}
