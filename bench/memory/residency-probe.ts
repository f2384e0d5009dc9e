/**
 * One case of the residency section (./residency.ts), in a fresh process (a wasm heap never shrinks):
 * `tsx residency-probe.ts <budget bytes | unbounded> <backbone,backbone,…>` embeds 4 probe inputs with
 * each backbone in turn through a BackbonePool with that heap budget, and prints as JSON the tfjs wasm
 * heap, the process's RSS and the resident backbones after each.
 */

import { probeInput } from "../../src/runtime/auto-runtime";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";

const [budget = "unbounded", order = ""] = process.argv.slice(2);
const pool = new BackbonePool(
  await nodeHost(),
  budget === "unbounded" ? Number.POSITIVE_INFINITY : Number(budget),
);
const steps = [];
for (const id of order.split(",")) {
  const input = probeInput(pool.manifest(id));
  const started = performance.now();
  await pool.embed(id, [input, input, input, input]);
  steps.push({
    backbone: id,
    wasmHeap: pool.wasmHeapBytes(),
    rss: process.memoryUsage().rss,
    resident: pool.resident,
    ms: performance.now() - started,
  });
}
console.log(JSON.stringify(steps));
