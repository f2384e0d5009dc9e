/**
 * Head export benchmark: the ONNX classifier the export route builds (MobileNetV2 1.4 to its
 * `pooled` cut layer + each head type, src/exports/onnx-export.ts), in Node: its size, the time and
 * memory to build it, and onnxruntime-node's latency running it (one intra-op thread), next to the
 * head-only graph. Heads are trained on random 1792-d points: size and speed do not depend on what
 * they learned. `npx tsx bench/export/index.ts --quick` checks every path with few runs.
 */

import * as ort from "onnxruntime-node";
import {
  type AdapterHead,
  describeHead,
  deserializeHead,
  type HeadType,
  trainHead,
} from "../../adapters";
import { resolveCutLayer } from "../../models/cut-layer";
import { byteLengthOf, joinParts } from "../../models/onnx";
import { backboneClassifierOnnx, headOnnx } from "../../src/exports/onnx-export";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import type { VersionRecord } from "../../src/storage/records";
import { syntheticImages } from "../../test/fixtures/onnx/mobilenet-v2";
import { blobs } from "../../test/node/adapters/helpers";
import { resetPeak, residentBytes } from "../memory/proc-memory";
import { measure } from "../stats";
import { workerdExport } from "./workerd";

const HEAD_TYPES: HeadType[] = ["logistic", "mlp", "prototype"];
const CLASSES = 5;

export async function benchExport(quick = false): Promise<string> {
  const runs = quick ? 3 : 30;
  const pool = new BackbonePool(await nodeHost());
  const manifest = pool.manifest("mobilenet-v2");
  const layer = resolveCutLayer(manifest);
  const record = { adapterId: "a_bench", version: 1 } as VersionRecord;
  const rows: string[] = [];
  for (const headType of HEAD_TYPES) {
    const head = await trainedHead(headType, {
      id: manifest.id,
      weightsHash: manifest.weightsHash,
      dim: layer.dim,
    });
    const description = describeHead(head);
    await resetPeak("self");
    const rssBefore = await residentBytes("self", "VmRSS");
    const started = performance.now();
    const parts = await backboneClassifierOnnx(pool, manifest, layer, record, description);
    const buildMs = performance.now() - started;
    const peakGrowth = (await residentBytes("self", "VmHWM")) - rssBefore;
    const headOnly = headOnnx(manifest, layer, record, description);
    const session = await ort.InferenceSession.create(joinParts(parts), { intraOpNumThreads: 1 });
    const latency = async (batch: number) => {
      const input = new ort.Tensor("float32", syntheticImages(batch), [batch, 224, 224, 3]);
      return measure(async () => void (await session.run({ input })), 2, runs);
    };
    const [one, eight] = [await latency(1), await latency(8)];
    await session.release();
    rows.push(
      `| ${headType} | ${mb(byteLengthOf(parts))} | ${kb(headOnly.byteLength)} | ${buildMs.toFixed(0)} ms | ${mb(peakGrowth)} | ${one.p50.toFixed(1)} / ${one.p95.toFixed(1)} ms | ${(eight.p50 / 8).toFixed(1)} ms |`,
    );
  }
  const workerd = await workerdExport();
  return [
    "## Head export: MobileNetV2 1.4 + head as one ONNX graph (issue 14)",
    "",
    `\`GET /v1/adapters/{id}/versions/{v}/export?format=onnx\` builds this file (MobileNetV2 1.4 to its \`pooled\` cut layer, 1792-d, + a ${CLASSES}-class head) with the code the route runs, here in Node. The backbone's weights stay uint8 as the npm package stores them (per-tensor min and scale), dequantised in the graph with tfjs's formula (onnxruntime folds that when the session is created), and the file is encoded as parts, the weights' bytes not copied, which the route streams. Build = conversion + encoding; its memory is the growth of the process's peak RSS (VmHWM, reset just before the build) over the RSS before it, in a process that has loaded MobileNetV2 and trained the heads. Latency: onnxruntime-node, one intra-op thread, ${runs} runs after 2 warm-ups.`,
    "",
    "| head | `format=onnx` size | `format=onnx-head` size | build | peak RSS growth | batch 1 p50 / p95 | per image, batch 8 |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...rows,
    "",
    `In workerd (\`wrangler dev\`, an image adapter trained through the API, logistic head): one \`format=onnx\` request (the file streamed) took ${(workerd.ms / 1000).toFixed(1)} s for ${mb(workerd.bytes)}, and the worker's workerd process's peak RSS grew by ${mb(workerd.peakGrowthBytes)} during it (that process also runs miniflare's local services, which serve the weights the export reads, so this over-states the isolate's share). MobileNetV2 was loaded in that isolate (the uploads were embedded there), as on a busy deployment; the export itself reads the graph's files and does not run it.`,
  ].join("\n");
}

async function trainedHead(
  headType: HeadType,
  backbone: { id: string; weightsHash: string; dim: number },
): Promise<AdapterHead> {
  const { samples } = blobs({
    perClass: 8,
    classes: CLASSES,
    dim: backbone.dim,
    separation: 4,
    seed: 3,
  });
  const hyperparameters = headType === "mlp" ? { maxEpochs: 5 } : {};
  const { head } = await trainHead({
    headType,
    backbone,
    samples,
    options: { seed: 1, hyperparameters },
  });
  return deserializeHead(head.serialize(), backbone);
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const kb = (bytes: number) => `${(bytes / 2 ** 10).toFixed(0)} KiB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchExport(process.argv.includes("--quick")));
}
