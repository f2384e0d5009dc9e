/**
 * Backbone benchmark (issue 2): each backbone on workerd and on Node with the same code, one after
 * the other on the same machine. Returns the markdown section for bench/RESULTS.md.
 */

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { BACKBONES } from "../../models";
import { fetchedBytes } from "../../src/selection/candidates";
import type { HostFigures } from "./measure";
import { measureWorkerd } from "./workerd-host";

const run = promisify(execFile);
/**
 * The backbones /v1/embed serves. InceptionV3 is not one since its weights take over an isolate's
 * share of memory while loading (its 298 MB wasm heap was measured here before it was refused: git
 * history of bench/results/backbones.md); selection and the README say so.
 */
const MEASURED = ["mobilenet-v2", "mobilenet-v2-100", "use-lite"];
const ISOLATE_BUDGET_BYTES = 128 * 1024 * 1024;

interface NodeFigures extends HostFigures {
  baselineRss: number;
  peakRssBytes: number;
  wasmHeapBytes: number;
}

async function measureNode(backbone: string): Promise<NodeFigures> {
  const { stdout } = await run(
    "node_modules/.bin/tsx",
    ["bench/backbones/node-host.ts", backbone],
    {
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout) as NodeFigures;
}

function manifestOf(backbone: string) {
  const definition = BACKBONES[backbone];
  if (!definition) throw new Error(`unknown backbone ${backbone}`);
  return definition.manifest;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const ms = (value: number) => value.toFixed(1);

export async function benchBackbones(): Promise<string> {
  const rows: string[] = [];
  const memory: string[] = [];
  for (const [index, backbone] of MEASURED.entries()) {
    const workerd = await measureWorkerd(backbone, 8790 + index);
    const node = await measureNode(backbone);
    for (const [host, f] of [
      ["workerd", workerd],
      ["node", node],
    ] as const) {
      rows.push(
        `| ${backbone} | ${host} | ${ms(f.coldMs)} | ${ms(f.batch1.p50)} / ${ms(f.batch1.p95)} | ${ms(f.batch16PerItem.p50)} / ${ms(f.batch16PerItem.p95)} | ${f.itemsPerSecond.toFixed(1)} |`,
      );
    }
    rows.push(
      `| ${backbone} | **workerd ÷ node** | ${(workerd.coldMs / node.coldMs).toFixed(2)} | ${(workerd.batch1.p50 / node.batch1.p50).toFixed(2)} | ${(workerd.batch16PerItem.p50 / node.batch16PerItem.p50).toFixed(2)} | |`,
    );
    const isolateGrowth = workerd.peakRssBytes - workerd.idleRssBytes;
    // What one isolate holds at its peak: the wasm heap plus the fetched weight files while loading.
    const isolateBytes = workerd.wasmHeapBytes + fetchedBytes(manifestOf(backbone));
    memory.push(
      `| ${backbone} | ${mb(workerd.idleRssBytes)} | ${mb(workerd.peakRssBytes)} | ${mb(isolateGrowth)} | ${mb(workerd.wasmHeapBytes)} | ${mb(node.peakRssBytes)} | ${mb(node.wasmHeapBytes)} | ${mb(isolateBytes)} ${isolateBytes <= ISOLATE_BUDGET_BYTES ? "(fits)" : "(**over**)"} |`,
    );
  }
  return [
    "## Backbones: workerd vs Node (issue 2)",
    "",
    "Per item, through `POST /v1/embed` (JSON; images are 144×108 JPEGs, so decoding and resizing count; runs before the 262,144-pixel request budget used 320×240). workerd: `wrangler dev`, timed by the client over loopback. Node: the same app in-process. Cold = first request after start (loads the weights). p50 / p95 in ms.",
    "",
    "| backbone | host | cold ms | batch 1 p50 / p95 | batch 16 per item p50 / p95 | items/s (batch 16) |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    "Memory (MB). workerd growth = peak RSS − RSS before the first request. It is the whole local workerd process, not one isolate: it includes miniflare's local static-asset service, which delivers the weights to the worker and which production does not run in the isolate. Fetching use-lite's 27.9 MB of weights alone, from a worker that does nothing else, raised that process from 58 MB to 521 MB and took 11 s (`wrangler dev` of a 10-line worker; see README), which is why use-lite's cold start and growth are large locally. What the isolate holds is the wasm heap (below; it never shrinks) plus the JS heap and, while loading, the fetched weight files. The pool runs forward passes of 2 inputs, so a batch of 16 does not grow the heap past what two inputs need.",
    "",
    "| backbone | workerd idle RSS | workerd peak RSS | workerd growth | workerd wasm heap | node peak RSS | node wasm heap | isolate: wasm heap + weights, vs 128 MB |",
    "|---|---|---|---|---|---|---|---|",
    ...memory,
  ].join("\n");
}
