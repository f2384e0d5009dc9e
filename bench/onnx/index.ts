/**
 * ONNX benchmark (issue 5): MobileNetV2, same weights and inputs, on every runtime. Returns the
 * markdown section for bench/RESULTS.md; `npx tsx bench/onnx/index.ts --quick` runs it once with few
 * iterations to check that every path works.
 */

import { benchBreakdown } from "./breakdown";
import { benchHosts } from "./hosts";
import { benchNetworks } from "./mobilenet";
import { benchQuantizedAccuracy } from "./quantized-accuracy";
import { FULL_RUNS, QUICK_RUNS } from "./runs";

export async function benchOnnx(quick = false): Promise<string> {
  const runs = quick ? QUICK_RUNS : FULL_RUNS;
  const networks = benchNetworks(runs);
  const hosts = await benchHosts(runs);
  const breakdown = await benchBreakdown(quick ? 3 : 15);
  const accuracy = await benchQuantizedAccuracy(quick ? 200 : 1000, quick ? 200 : 1000);
  return [
    "## ONNX: MobileNetV2 on tfjs-wasm, onnxruntime-web and onnxruntime-node (issue 5)",
    "",
    "The network alone, on the same preprocessed 224×224 batch, in Node, one child process per runtime (its peak RSS is its own). × native = p50 ÷ onnxruntime-node's p50 (native CPU, one intra-op thread); CPU ms = median CPU time of the process per run (all threads), which other load on a shared machine disturbs far less than wall clock.",
    "",
    networks,
    "",
    "End to end through `POST /v1/embed` (224×224 PNGs: base64 + decode + crop/resize + network + JSON), in workerd (`wrangler dev` of the single-runtime deployment, client-timed) and in Node (same app in-process). Cold = first request, which starts the runtime and loads the model.",
    "",
    hosts,
    "",
    "### One image prediction, stage by stage",
    "",
    breakdown,
    "",
    "### Accuracy of the int8 QDQ model",
    "",
    accuracy,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchOnnx(process.argv.includes("--quick")));
}
