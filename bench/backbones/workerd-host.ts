/**
 * One backbone on workerd: a fresh `wrangler dev` per backbone, timed from the client side over
 * loopback (local workerd's timers advance during CPU work, production's do not, so only the client's
 * clock is trusted). Memory is the workerd process's peak RSS (VmHWM) and the wasm heap it reports.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type HostFigures, measureHost } from "./measure";

export interface WorkerdFigures extends HostFigures {
  idleRssBytes: number;
  peakRssBytes: number;
  wasmHeapBytes: number;
}

const WRANGLER = "node_modules/.bin/wrangler";

export async function measureWorkerd(backbone: string, port: number): Promise<WorkerdFigures> {
  const state = await mkdtemp(join(tmpdir(), "edge-adapt-bench-"));
  const wrangler = spawn(WRANGLER, ["dev", "--port", String(port), "--persist-to", state], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    await readyOn(wrangler, port);
    const workerd = await workerdPid(wrangler.pid ?? 0);
    const idleRssBytes = await procStatus(workerd, "VmRSS");
    const url = `http://127.0.0.1:${port}`;
    const figures = await measureHost(backbone, async (body) => {
      const response = await fetch(`${url}/v1/embed`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      });
      if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    });
    const listing = (await (await fetch(`${url}/v1/backbones`)).json()) as {
      runtime: { wasmHeapBytes: number };
    };
    const peakRssBytes = await procStatus(workerd, "VmHWM");
    return { ...figures, idleRssBytes, peakRssBytes, wasmHeapBytes: listing.runtime.wasmHeapBytes };
  } finally {
    await stop(wrangler);
    await rm(state, { recursive: true, force: true });
  }
}

function readyOn(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("wrangler dev did not start in 60 s")), 60_000);
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes(`Ready on http://localhost:${port}`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`wrangler dev exited with ${code}`)));
  });
}

/** The workerd process wrangler started: the descendant whose command is workerd. */
async function workerdPid(root: number): Promise<number> {
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, "utf8")).trim();
    for (const child of children.split(" ").filter(Boolean).map(Number)) {
      const command = await readFile(`/proc/${child}/cmdline`, "utf8");
      if (command.includes("workerd") && command.includes("serve")) return child;
      queue.push(child);
    }
  }
  throw new Error("no workerd process under wrangler");
}

async function procStatus(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kilobytes = Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1]);
  return kilobytes * 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGINT");
  await exited;
}
