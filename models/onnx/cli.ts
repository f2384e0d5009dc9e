/**
 * Converts a prepared tfjs graph model to ONNX:
 *   npx tsx models/onnx/cli.ts <model.json> <weights.bin> <outputNode> <out.onnx>
 * `weights.bin` is every weight file of the manifest concatenated (models/prepare writes one).
 */

import { readFile, writeFile } from "node:fs/promises";
import { convertTfjsGraphToOnnx } from "./convert";
import type { TfjsGraphModelJson } from "./tfjs-graph";

export async function convertFiles(
  modelJsonPath: string,
  weightsPath: string,
  outputNode: string,
  outPath: string,
): Promise<number> {
  const modelJson = JSON.parse(await readFile(modelJsonPath, "utf8")) as TfjsGraphModelJson;
  const weights = await readFile(weightsPath);
  const weightData = weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
  const onnx = convertTfjsGraphToOnnx(modelJson, weightData, { outputNode });
  await writeFile(outPath, onnx);
  return onnx.byteLength;
}

const args = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  const [modelJsonPath, weightsPath, outputNode, outPath] = args;
  if (
    modelJsonPath === undefined ||
    weightsPath === undefined ||
    outputNode === undefined ||
    outPath === undefined
  ) {
    console.error(
      "usage: tsx models/onnx/cli.ts <model.json> <weights.bin> <outputNode> <out.onnx>",
    );
    process.exit(2);
  }
  const bytes = await convertFiles(modelJsonPath, weightsPath, outputNode, outPath);
  console.log(`wrote ${outPath} (${bytes} bytes)`);
}
