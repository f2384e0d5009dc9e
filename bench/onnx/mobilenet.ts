/**
 * MobileNetV2 network latency and memory per runtime, batch 1 and 16, in Node:
 *   npx tsx bench/onnx/mobilenet.ts [runtime-name-substring…]
 * Each runtime runs in its own child process (same inputs, same weights: the ONNX model is converted
 * from the prepared tfjs files), so its peak RSS is its own. Prints a markdown table.
 */

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
  convertedMobileNetV2,
  quantizedMobileNetV2,
  syntheticImages,
} from "../../test/fixtures/onnx/mobilenet-v2";
import { type Latency, measure } from "../stats";
import { type BatchRuns, FULL_RUNS } from "./runs";
import { NATIVE, RUNNERS } from "./runtimes";

interface Row {
  readonly runtime: string;
  readonly batch: number;
  readonly latency: Latency;
  /** Median CPU time of this process per run (all its threads): robust to other load. */
  readonly cpuMs: number;
  readonly loadMs: number;
  readonly peakRssMb: number;
}

/** Child: one runtime, every batch size; prints JSON rows. */
async function runOne(runtime: string, batches: readonly BatchRuns[]): Promise<Row[]> {
  const definition = RUNNERS[runtime];
  if (definition === undefined) throw new Error(`unknown runtime ${runtime}`);
  const converted = await convertedMobileNetV2();
  const { outputNode } = converted;
  // Quantised (and calibrated) before any timing: the session load is the quantised model's.
  const onnx =
    definition.model === "int8" ? await quantizedMobileNetV2(converted.onnx) : converted.onnx;
  const rows: Row[] = [];
  for (const { batch, warmup, runs } of batches) {
    const images = syntheticImages(batch);
    const start = performance.now();
    const runner = await definition.create({ onnx, outputNode, batch });
    const loadMs = performance.now() - start;
    const cpuTimes: number[] = [];
    const latency = await measure(
      async () => {
        const before = process.cpuUsage();
        await runner.infer(images, batch);
        const used = process.cpuUsage(before);
        cpuTimes.push((used.user + used.system) / 1000);
      },
      warmup,
      runs,
    );
    rows.push({
      runtime,
      batch,
      latency,
      cpuMs: median(cpuTimes.slice(warmup)),
      loadMs,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    });
  }
  return rows;
}

const CHILD = "--child";

/** Native always runs (it is the reference); `filters` select the other runtimes by substring. */
function runAll(filters: readonly string[], batches: readonly BatchRuns[]): Row[] {
  const script = fileURLToPath(import.meta.url);
  const selected = Object.keys(RUNNERS).filter(
    (runtime) =>
      filters.length === 0 || runtime === NATIVE || filters.some((f) => runtime.includes(f)),
  );
  return selected.flatMap((runtime) => {
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, script, CHILD, runtime, JSON.stringify(batches)],
      { encoding: "utf8" },
    );
    if (child.status !== 0) throw new Error(`${runtime} failed:\n${child.stderr}`);
    return JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "[]") as Row[];
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function table(rows: readonly Row[]): string {
  const native = (batch: number) =>
    rows.find((row) => row.runtime === NATIVE && row.batch === batch);
  const lines = [
    "| runtime (Node) | batch | p50 ms | p95 ms | per image ms | × native (p50) | CPU ms | × native (CPU) | session load ms | peak RSS MB |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      ({ runtime, batch, latency, cpuMs, loadMs, peakRssMb }) =>
        `| ${runtime} | ${batch} | ${latency.p50.toFixed(1)} | ${latency.p95.toFixed(1)} | ${(latency.p50 / batch).toFixed(1)} | ${(latency.p50 / (native(batch)?.latency.p50 ?? Number.NaN)).toFixed(2)} | ${cpuMs.toFixed(1)} | ${(cpuMs / (native(batch)?.cpuMs ?? Number.NaN)).toFixed(2)} | ${loadMs.toFixed(0)} | ${peakRssMb.toFixed(0)} |`,
    ),
  ];
  return lines.join("\n");
}

/** The markdown table of every runtime on preprocessed inputs (the network alone). */
export function benchNetworks(batches: readonly BatchRuns[] = FULL_RUNS): string {
  return table(runAll([], batches));
}

const [mode, ...rest] = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  if (mode === CHILD && rest[0] !== undefined && rest[1] !== undefined) {
    console.log(JSON.stringify(await runOne(rest[0], JSON.parse(rest[1]) as BatchRuns[])));
  } else {
    console.log(table(runAll(process.argv.slice(2), FULL_RUNS)));
  }
}
