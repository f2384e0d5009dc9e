/**
 * One worst request through the Node app in a fresh process, so that its peak is its own.
 * Usage: tsx bench/memory/node-probe.ts <folder> <request name>. Prints JSON on stdout.
 * The backbone is loaded first (4 small images: two forward passes, so its wasm heap has grown to its
 * steady size); then the peak RSS is reset and the request sent.
 */

import { getHeapStatistics } from "node:v8";
import { createApp } from "../../src/app";
import { IN_PROCESS_BINDINGS } from "../../src/env";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import { wasmHeapBytes } from "../../src/runtime/tfjs-wasm";
import { resetPeak, residentBytes } from "./proc-memory";
import { embedForm, WARM_UP_FILES, WORST_REQUESTS } from "./worst-inputs";

const [folder = "", name = ""] = process.argv.slice(2);
const request = WORST_REQUESTS.find((candidate) => candidate.name === name);
if (!request) throw new Error(`unknown request ${name}`);

const pool = new BackbonePool(await nodeHost());
const app = createApp(() => pool);
/** The response's status; a refusal is a result too (the bomb), only an error is not. */
const embed = async (form: FormData) => {
  const response = await app.request(
    "/v1/embed",
    { method: "POST", body: form },
    IN_PROCESS_BINDINGS,
  );
  const text = await response.text();
  if (response.status >= 500) throw new Error(`${response.status} ${text}`);
  return response.status;
};

await embed(await embedForm(folder, WARM_UP_FILES));
const form = await embedForm(folder, request.files);
globalThis.gc?.();
const loadedRss = await residentBytes("self", "VmRSS");
const loadedHeap = getHeapStatistics().used_heap_size;
await resetPeak("self");
const started = performance.now();
const status = await embed(form);
const ms = performance.now() - started;
const peakRss = await residentBytes("self", "VmHWM");
console.log(
  JSON.stringify({
    status,
    loadedRss,
    loadedHeap,
    peakRss,
    peakMalloced: getHeapStatistics().peak_malloced_memory,
    wasmHeap: wasmHeapBytes(),
    ms,
  }),
);
