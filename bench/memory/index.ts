/**
 * Memory benchmark (issue 10): the isolate's peak on the worst /v1/embed requests that pass
 * validation (./worst-inputs.ts) and on a tenant's largest image upload and predict
 * (./tenant-requests.ts), with MobileNetV2 loaded, against the 128 MB isolate budget; then the
 * heap of backbones used one after another (./residency.ts) and a training's working set
 * (./training-working-set.ts), in Node.
 * Node: each request in a fresh process, peak RSS from the kernel (VmHWM, reset after the backbone
 * has loaded), minus a bare Node process's RSS. workerd: a fresh `wrangler dev` per request, the
 * worker's workerd process: the wasm heap plus the growth of its peak RSS during the request.
 * Returns the markdown section.
 */

import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DEFAULT_LIMITS, MAX_SIDE } from "../../models/image";
import { LIMITS } from "../../src/limits";
import { withWranglerDev } from "../wrangler-dev";
import { resetPeak, residentBytes } from "./proc-memory";
import { benchResidency } from "./residency";
import { measureTenantRequests } from "./tenant-requests";
import { benchTrainingWorkingSet } from "./training-working-set";
import {
  embedForm,
  WARM_UP_FILES,
  WORST_REQUESTS,
  type WorstRequest,
  writeWorstInputs,
} from "./worst-inputs";

const run = promisify(execFile);
const ISOLATE_BUDGET_BYTES = 128 * 1024 * 1024;
const WORKERD_PORT = 8797;

interface NodeProbe {
  status: number;
  loadedRss: number;
  loadedHeap: number;
  peakRss: number;
  wasmHeap: number;
  ms: number;
}

interface WorkerdProbe {
  status: number;
  idleRss: number;
  loadedRss: number;
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

/** One request on a fresh `wrangler dev`: workerd keeps what it has grown to, so each gets its own. */
function onWorkerd(folder: string, request: WorstRequest, port: number): Promise<WorkerdProbe> {
  return withWranglerDev({ port }, async ({ url, workerdPid }) => {
    const post = async (files: readonly string[]) => {
      const body = await embedForm(folder, files);
      const response = await fetch(`${url}/v1/embed`, { method: "POST", body });
      await response.arrayBuffer();
      return response.status;
    };
    const idleRss = await residentBytes(workerdPid, "VmRSS");
    await post(WARM_UP_FILES);
    const loadedRss = await residentBytes(workerdPid, "VmRSS");
    await resetPeak(workerdPid);
    const started = performance.now();
    const status = await post(request.files);
    const ms = performance.now() - started;
    const peakRss = await residentBytes(workerdPid, "VmHWM");
    const listing = (await (await fetch(`${url}/v1/backbones`)).json()) as {
      runtime: { wasmHeapBytes: number };
    };
    return { status, idleRss, loadedRss, peakRss, wasmHeap: listing.runtime.wasmHeapBytes, ms };
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
        `| ${request.description} | Node | ${node.status} | ${mb(node.loadedRss - bare.rss)} | ${mb(isolate)} | ${mb(node.peakRss - node.loadedRss)} | ${mb(node.wasmHeap)} | ${(node.ms / 1000).toFixed(1)} | ${verdict(isolate)} |`,
      );
    }
    for (const [index, request] of WORST_REQUESTS.entries()) {
      const probe = await onWorkerd(folder, request, WORKERD_PORT + index);
      const growth = probe.peakRss - probe.loadedRss;
      // A lower bound: the request's growth on top of the wasm heap the loaded backbone holds.
      const isolate = probe.wasmHeap + growth;
      rows.push(
        `| ${request.description} | workerd | ${probe.status} | ${mb(probe.loadedRss - probe.idleRss)} | ≥ ${mb(isolate)} | ${mb(growth)} | ${mb(probe.wasmHeap)} | ${(probe.ms / 1000).toFixed(1)} | ${verdict(isolate)} |`,
      );
    }
    for (const probe of await measureTenantRequests(WORKERD_PORT + WORST_REQUESTS.length)) {
      const isolate = probe.wasmHeap + probe.growth;
      rows.push(
        `| ${probe.description} | workerd | ${probe.status} | | ≥ ${mb(isolate)} | ${mb(probe.growth)} | ${mb(probe.wasmHeap)} | ${(probe.ms / 1000).toFixed(1)} | ${verdict(isolate)} |`,
      );
    }
    const requests = [
      "## Memory: worst /v1/embed requests that pass validation (MobileNetV2)",
      `Limits: ${DEFAULT_LIMITS.maxPixels} pixels per image (512×512), ${MAX_SIDE} per side; ${LIMITS.maxRequestPixels} pixels per request; ${LIMITS.maxBodyBytes} bytes of body; ${LIMITS.maxEmbedBatch} inputs. Images decoded one at a time, each resized by its forward pass. Before each measured request the backbone is loaded and its wasm heap grown to its steady size (one embed of 4 small images: two forward passes), so that the growth below is the request's own. Node: a fresh process per request; "isolate" = the process's peak RSS (kernel VmHWM) − a bare Node+tsx process (${mb(bare.rss)} MB). workerd: a fresh \`wrangler dev\` per request (workerd keeps the memory it grew to), measuring the workerd process that runs the worker; its RSS also holds miniflare's local services, so "loaded" over-states the isolate; "isolate peak" = the wasm heap + the growth of peak RSS during the request. RSS counts the JS heap, array buffers and the wasm heap together; the wasm heap (tfjs) is listed on its own because it never shrinks. The last rows are a tenant's largest image requests (./tenant-requests.ts), workerd only: a fresh server each, an adapter with 6 small samples (trained, for predict), then the request. Budget: 128 MB per isolate.`,
      "",
      "| request | host | status | loaded (MB) | isolate peak (MB) | growth during request (MB) | wasm heap (MB) | s | 128 MB budget |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n");
    return [requests, await benchResidency(), await benchTrainingWorkingSet()].join("\n\n");
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
