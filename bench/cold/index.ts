/**
 * Cold start on `npm start` (issue 15): a fresh `wrangler dev`, then the first image embedding on
 * MobileNetV2 timed by the client, with the server's own account of the backbone's load (engine
 * start, files from the static-asset service, model parse, first forward pass), then the same call
 * warm. Twice: without warm-up (the request pays for everything) and with the warm-up `npm start`
 * does (src/runtime/deployments/warm-up.ts: wrangler's first /healthz starts it; the request is sent
 * once it is done, and the time from ready to warm is reported). Each over fresh starts; medians.
 * workerd advances its clock at I/O only, so the server's CPU-bound phases (parse, forward pass)
 * read low: the client's total is the figure; the phases show the shares.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { BackbonePool } from "../../src/runtime/backbones";
import { nodeHost } from "../../src/runtime/node";
import { embedBody } from "../backbones/inputs";
import { withWranglerDev } from "../wrangler-dev";

const BACKBONE = "mobilenet-v2";
const WARM_POLL_MS = 100;

export interface ColdOptions {
  readonly starts?: number;
  readonly port?: number;
}

interface ColdStart {
  /** From /healthz answering to the warm-up done (0 without warm-up). */
  warmUpMs: number;
  /** The first image request's time, seen by the client. */
  firstMs: number;
  engineMs: number;
  filesMs: number;
  modelMs: number;
  firstRunMs: number;
  /** The same request once warm (best of 5). */
  warmMs: number;
}

type Mode = "no warm-up" | "warm-up";

export async function benchCold({ starts = 3, port = 8799 }: ColdOptions = {}): Promise<string> {
  const node = await nodeLoad();
  const runs: Record<Mode, ColdStart[]> = { "no warm-up": [], "warm-up": [] };
  for (let start = 0; start < starts; start++) {
    // Alternating, so that the shared machine's drifting load weighs on both alike.
    for (const mode of Object.keys(runs) as Mode[]) {
      const vars = { WARM_BACKBONES: mode === "warm-up" ? BACKBONE : "" };
      runs[mode].push(await withWranglerDev({ port, vars }, ({ url }) => coldStart(url, mode)));
    }
  }
  return coldMarkdown(runs, node);
}

/**
 * The same load in Node, whose clock runs during CPU work: the CPU share production pays too (files
 * read from disk here; from Cloudflare's cache next to the isolate there).
 */
async function nodeLoad(): Promise<NodeLoad> {
  const pool = new BackbonePool(await nodeHost());
  await pool.warm(BACKBONE);
  const state = pool.state(BACKBONE);
  if (state.state !== "ready") throw new Error(`${BACKBONE} is ${state.state} in Node`);
  return { ...state.phases, firstRunMs: pool.firstRunMs(BACKBONE) ?? Number.NaN };
}

interface NodeLoad {
  engineMs: number;
  filesMs: number;
  modelMs: number;
  firstRunMs: number;
}

async function coldStart(url: string, mode: Mode): Promise<ColdStart> {
  const ready = performance.now();
  if (mode === "warm-up") while (!(await backboneLoad(url))) await sleep(WARM_POLL_MS);
  const warmUpMs = mode === "warm-up" ? performance.now() - ready : 0;
  const body = embedBody(BACKBONE, 1);
  const embed = async () => {
    const started = performance.now();
    const response = await fetch(`${url}/v1/embed`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    if (!response.ok) throw new Error(`embed: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    return performance.now() - started;
  };
  const firstMs = await embed();
  const load = await backboneLoad(url);
  if (!load) throw new Error(`${BACKBONE} did not load`);
  let warmMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) warmMs = Math.min(warmMs, await embed());
  return { warmUpMs, firstMs, ...load, warmMs };
}

/** The backbone's load phases and first forward pass, once both are done (else undefined). */
async function backboneLoad(url: string) {
  const listed = (await (await fetch(`${url}/v1/backbones`)).json()) as {
    backbones: {
      id: string;
      load: {
        phases?: { engineMs: number; filesMs: number; modelMs: number };
        firstRunMs?: number;
      };
    }[];
  };
  const load = listed.backbones.find((backbone) => backbone.id === BACKBONE)?.load;
  if (!load?.phases || load.firstRunMs === undefined) return undefined;
  return { ...load.phases, firstRunMs: load.firstRunMs };
}

function coldMarkdown(runs: Record<Mode, ColdStart[]>, node: NodeLoad): string {
  const row = (mode: Mode) => {
    const ms = (of: (run: ColdStart) => number) => median(runs[mode].map(of)).toFixed(0);
    return `| ${mode} | ${ms((r) => r.warmUpMs)} | ${ms((r) => r.firstMs)} | ${ms((r) => r.engineMs)} | ${ms((r) => r.filesMs)} | ${ms((r) => r.modelMs)} | ${ms((r) => r.firstRunMs)} | ${ms((r) => r.warmMs)} |`;
  };
  return [
    "## Cold start: the first image embedding on `npm start` (issue 15)",
    "",
    `A fresh \`wrangler dev\` (as \`npm start\`), then one 144×108 JPEG through \`POST /v1/embed\` on ${BACKBONE} (tfjs-wasm), timed by the client. The phases are the server's timings of the backbone's load (\`GET /v1/backbones\`; workerd's clock moves at I/O only, so CPU-bound phases read low). With warm-up, wrangler's first \`/healthz\` starts loading and warming the backbone in the background, and the request is sent once that is done. Medians over ${runs["warm-up"].length} fresh starts per row, the rows alternating.`,
    "",
    "| mode | ready → warm ms | first request ms | engine start ms | model files (static assets) ms | model parse ms | first forward pass ms | warm request ms |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    row("no warm-up"),
    row("warm-up"),
    `| Node, same code (one load; its clock runs during CPU work) | | | ${node.engineMs.toFixed(0)} | ${node.filesMs.toFixed(0)} (disk) | ${node.modelMs.toFixed(0)} | ${node.firstRunMs.toFixed(0)} | |`,
  ].join("\n");
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}
