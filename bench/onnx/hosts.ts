/**
 * The two WASM paths end to end, through `POST /v1/embed`: each in workerd (`wrangler dev` of its
 * single-runtime deployment, timed by the client over loopback, since local workerd's timers advance
 * during CPU work and production's do not) and in Node (the same app in-process).
 */

import { createApp } from "../../src/app";
import { IN_PROCESS_BINDINGS } from "../../src/env";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import { withWranglerDev } from "../wrangler-dev";
import { type Post, poster, type RequestRow, timeRequests } from "./embed-requests";
import { type BatchRuns, FULL_RUNS } from "./runs";

const PATHS = [
  {
    runtime: "tfjs-wasm",
    backbone: "mobilenet-v2",
    entry: "src/runtime/deployments/tfjs-mobilenet-v2.ts",
  },
  {
    runtime: "onnxruntime-web",
    backbone: "mobilenet-v2-onnx",
    entry: "src/runtime/deployments/ort-mobilenet-v2.ts",
  },
] as const;

interface HostRow extends RequestRow {
  readonly host: "workerd" | "node";
  readonly runtime: string;
  /** The isolate's wasm heaps after the runs, as GET /v1/backbones reports them. */
  readonly wasmHeapBytes: number;
}

async function heapBytes(get: (path: string) => Promise<Response>): Promise<number> {
  const listing = (await (await get("/v1/backbones")).json()) as {
    runtime: { wasmHeapBytes: number };
  };
  return listing.runtime.wasmHeapBytes;
}

async function onWorkerd(runs: readonly BatchRuns[], port: number): Promise<HostRow[]> {
  const rows: HostRow[] = [];
  for (const [index, { runtime, backbone, entry }] of PATHS.entries()) {
    rows.push(
      ...(await withWranglerDev({ port: port + index, entry }, async ({ url }) => {
        const get = (path: string, init?: RequestInit) => fetch(`${url}${path}`, init);
        const timed = await timeRequests(backbone, embedVia(get), runs);
        const wasmHeapBytes = await heapBytes(get);
        return timed.map((row) => ({ ...row, host: "workerd" as const, runtime, wasmHeapBytes }));
      })),
    );
  }
  return rows;
}

async function onNode(runs: readonly BatchRuns[]): Promise<HostRow[]> {
  // Both runtimes in one process, to compare them; no 128 MB isolate could hold the two heaps.
  const pool = new BackbonePool(await nodeHost(), Number.POSITIVE_INFINITY);
  const app = createApp(() => pool);
  const get = async (path: string, init?: RequestInit) =>
    app.request(path, init, IN_PROCESS_BINDINGS);
  const rows: HostRow[] = [];
  for (const { runtime, backbone } of PATHS) {
    const timed = await timeRequests(backbone, embedVia(get), runs);
    const wasmHeapBytes = await heapBytes(get);
    rows.push(...timed.map((row) => ({ ...row, host: "node" as const, runtime, wasmHeapBytes })));
  }
  return rows;
}

function embedVia(get: (path: string, init?: RequestInit) => Promise<Response>): Post {
  return poster((body) =>
    get("/v1/embed", { method: "POST", headers: { "content-type": "application/json" }, body }),
  );
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

export async function benchHosts(
  runs: readonly BatchRuns[] = FULL_RUNS,
  port = 8795,
): Promise<string> {
  const rows = [...(await onWorkerd(runs, port)), ...(await onNode(runs))];
  return [
    "| path | host | batch | cold ms | p50 ms | p95 ms | per image ms | wasm heap MB |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (row) =>
        `| ${row.runtime} (${row.backbone}) | ${row.host} | ${row.batch} | ${row.coldMs.toFixed(0)} | ${row.latency.p50.toFixed(1)} | ${row.latency.p95.toFixed(1)} | ${(row.latency.p50 / row.batch).toFixed(1)} | ${mb(row.wasmHeapBytes)} |`,
    ),
  ].join("\n");
}
