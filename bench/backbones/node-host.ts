/**
 * One backbone on the Node host, in its own process so its cold start and peak memory are its own.
 * The same app and /v1/embed code as the worker, called in-process. Prints JSON on stdout.
 * Usage: tsx bench/backbones/node-host.ts <backbone>
 */

import { createApp } from "../../src/app";
import { IN_PROCESS_BINDINGS } from "../../src/env";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import { wasmHeapBytes } from "../../src/runtime/tfjs-wasm";
import { measureHost } from "./measure";

const backbone = process.argv[2] ?? "use-lite";
const baselineRss = process.memoryUsage().rss;
const pool = new BackbonePool(await nodeHost());
const app = createApp(() => pool);

const figures = await measureHost(backbone, async (body) => {
  const response = await app.request(
    "/v1/embed",
    {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    },
    IN_PROCESS_BINDINGS,
  );
  if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
  await response.arrayBuffer();
});

const peakRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(
  JSON.stringify({ ...figures, baselineRss, peakRssBytes, wasmHeapBytes: wasmHeapBytes() }),
);
