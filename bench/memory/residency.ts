/**
 * Backbones in one isolate: the wasm heap after a sequence of backbones, each embedding 4 inputs, with
 * the pool's residency budget (src/runtime/residency.ts: the resident backbones' measured heaps within
 * 128 MiB) and without one (every backbone kept once loaded, as before the budget). Each case in a fresh
 * Node process (./residency-probe.ts). Returns the markdown section; `npx tsx bench/memory/residency.ts`
 * prints it alone.
 */

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { ISOLATE_MEMORY_BYTES } from "../../src/runtime/residency";

const run = promisify(execFile);

const SEQUENCES = [
  ["mobilenet-v2", "mobilenet-v2-100", "use-lite"],
  ["use-lite", "mobilenet-v2", "use-lite"],
  ["use-lite", "lexical", "use-lite"],
];

interface Step {
  backbone: string;
  wasmHeap: number;
  rss: number;
  resident: string[];
  ms: number;
}

async function probe(budget: string, sequence: string[]): Promise<Step[]> {
  const script = new URL("./residency-probe.ts", import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [
    "--import",
    "tsx",
    script,
    budget,
    sequence.join(","),
  ]);
  return JSON.parse(stdout) as Step[];
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

export async function benchResidency(): Promise<string> {
  const rows: string[] = [];
  for (const sequence of SEQUENCES) {
    const unbounded = await probe("unbounded", sequence);
    const budgeted = await probe(String(ISOLATE_MEMORY_BYTES), sequence);
    const heaps = (steps: Step[]) => steps.map((step) => mib(step.wasmHeap)).join(" → ");
    const last = (steps: Step[]) => (steps.at(-1) as Step).resident.join(", ");
    const reloads = budgeted.map((step) => `${Math.round(step.ms)}`).join(" / ");
    rows.push(
      `| ${sequence.join(" → ")} | ${heaps(unbounded)} | ${last(unbounded)} | ${heaps(budgeted)} | ${last(budgeted)} | ${reloads} |`,
    );
  }
  return [
    "## Memory: backbones in one isolate (residency)",
    "",
    "Each sequence in a fresh Node process per column (`bench/memory/residency-probe.ts`): every backbone in turn embeds 4 probe inputs through one BackbonePool; the tfjs wasm heap after each (MiB; all tfjs backbones share it, and it never shrinks). **Kept**: every backbone stays loaded once used (the pool before the residency budget). **Budget**: the resident backbones' measured heaps (`wasmHeapBytes`) kept within 128 MiB, the least recently used unloaded first (src/runtime/residency.ts). ms = each embedding's time in the budgeted run, a reload included where the backbone had been unloaded.",
    "",
    "| sequence | heap, kept (MiB) | loaded at the end, kept | heap, budget (MiB) | loaded at the end, budget | ms per step, budget |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchResidency());
