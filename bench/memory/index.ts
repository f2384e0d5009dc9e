/**
 * Memory benchmark (issue 10): the isolate's peak on the worst /v1/embed requests that pass
 * validation (./worst-inputs.ts), with MobileNetV2 loaded, against the 128 MB isolate budget.
 * Node: each request in a fresh process, peak RSS from the kernel (VmHWM, reset after the backbone
 * has loaded), minus a bare Node process's RSS. workerd: `wrangler dev`, the workerd process's peak
 * RSS during each request minus its RSS before the first request. Returns the markdown section.
 */

import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DEFAULT_LIMITS } from "../../models/image";
import { LIMITS } from "../../src/limits";
import { withWranglerDev } from "../wrangler-dev";
import { resetPeak, residentBytes } from "./proc-memory";
import { embedForm, WORST_REQUESTS, type WorstRequest, writeWorstInputs } from "./worst-inputs";

const run = promisify(execFile);
const ISOLATE_BUDGET_BYTES = 128 * 1024 * 1024;
const WORKERD_PORT = 8797;

interface NodeProbe {
  loadedRss: number;
  loadedHeap: number;
  peakRss: number;
  wasmHeap: number;
  ms: number;
}

interface WorkerdProbe {
  status: number;
  idleRss: number;
  beforeRss: number;
  peakRss: number;
  wasmHeap: number;
  ms: number;
}

async function tsxJson<T>(script: string, args: string[] = []): Promise<T> {
  const { stdout } = await run(
    process.execPath,
    ["--expose-gc", "--import", "tsx", script, ...args],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as T;
}

async function onWorkerd(folder: string): Promise<Map<string, WorkerdProbe>> {
  return withWranglerDev({ port: WORKERD_PORT }, async ({ url, workerdPid }) => {
    const idleRss = await residentBytes(workerdPid, "VmRSS");
    const post = async (request: WorstRequest) => {
      const response = await fetch(`${url}/v1/embed`, {
        method: "POST",
        body: await embedForm(folder, request),
      });
      await response.arrayBuffer();
      return response.status;
    };
    const probes = new Map<string, WorkerdProbe>();
    for (const request of WORST_REQUESTS) {
      await post({ ...request, files: ["small-444.jpg"] }); // backbone loaded
      const beforeRss = await residentBytes(workerdPid, "VmRSS");
      await resetPeak(workerdPid);
      const started = performance.now();
      const status = await post(request);
      const ms = performance.now() - started;
      const peakRss = await residentBytes(workerdPid, "VmHWM");
      const listing = (await (await fetch(`${url}/v1/backbones`)).json()) as {
        runtime: { wasmHeapBytes: number };
      };
      const wasmHeap = listing.runtime.wasmHeapBytes;
      probes.set(request.name, { status, idleRss, beforeRss, peakRss, wasmHeap, ms });
    }
    return probes;
  });
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);
const verdict = (bytes: number) =>
  bytes <= ISOLATE_BUDGET_BYTES ? "within" : `**over** by ${mb(bytes - ISOLATE_BUDGET_BYTES)} MB`;

export async function benchMemory(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "edge-adapt-memory-"));
  try {
    await writeWorstInputs(folder);
    const bare = await tsxJson<{ rss: number }>("bench/memory/bare-node.ts");
    const rows: string[] = [];
    for (const request of WORST_REQUESTS) {
      const node = await tsxJson<NodeProbe>("bench/memory/node-probe.ts", [folder, request.name]);
      const isolate = node.peakRss - bare.rss;
      rows.push(
        `| ${request.description} | Node | 200 | ${mb(node.loadedRss - bare.rss)} | ${mb(isolate)} | ${mb(node.peakRss - node.loadedRss)} | ${mb(node.wasmHeap)} | ${(node.ms / 1000).toFixed(1)} | ${verdict(isolate)} |`,
      );
    }
    const workerd = await onWorkerd(folder);
    for (const request of WORST_REQUESTS) {
      const probe = workerd.get(request.name);
      if (!probe) continue;
      const worker = probe.peakRss - probe.idleRss;
      rows.push(
        `| ${request.description} | workerd | ${probe.status} | ${mb(probe.beforeRss - probe.idleRss)} | ${mb(worker)} | ${mb(probe.peakRss - probe.beforeRss)} | ${mb(probe.wasmHeap)} | ${(probe.ms / 1000).toFixed(1)} | ${verdict(worker)} |`,
      );
    }
    return [
      "## Memory: worst /v1/embed requests that pass validation (MobileNetV2)",
      `Per-image limit ${DEFAULT_LIMITS.maxPixels} pixels (4096×3072); per-request budget ${LIMITS.maxRequestPixels} pixels; images decoded and resized one at a time. The backbone is loaded (one small embed) before each measured request. Node: a fresh process per request; "isolate" = the process's peak RSS (kernel VmHWM) − a bare Node+tsx process (${mb(bare.rss)} MB). workerd: \`wrangler dev\`; "isolate" = the workerd process's peak RSS − its RSS before the first request, which also counts miniflare's local services (see the backbones section), so it over-states the isolate. RSS counts the JS heap, array buffers and the wasm heap together; the wasm heap (tfjs) is listed on its own because it never shrinks. Budget: 128 MB per isolate.`,
      "",
      "| request | host | status | loaded (MB) | isolate peak (MB) | growth during request (MB) | wasm heap (MB) | s | 128 MB budget |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n");
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
