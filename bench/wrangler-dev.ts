/**
 * wrangler's dev server as `npm start` runs it (scripts/dev-server.ts: the inspector off), for
 * benchmarks and tests timed from the client over loopback: a fresh `--persist-to` directory, no
 * metrics, no file watching. Ready once /healthz answers. It runs in a process group of its own, so
 * stopping it also ends the workerd processes it started, which could otherwise outlive it and keep
 * holding the port and the CPU.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";

const TSX = "node_modules/.bin/tsx";
const START_TIMEOUT_MS = 120_000;
/** How long the server may take to stop on SIGINT before its group is killed. */
const STOP_TIMEOUT_MS = 15_000;

export interface WranglerDevOptions {
  readonly port: number;
  /** A worker entry other than wrangler.toml's `main` (e.g. one single-runtime deployment). */
  readonly entry?: string;
  /** More `--var NAME:value` settings, over .dev.vars. */
  readonly vars?: Readonly<Record<string, string>>;
}

export interface WranglerDev {
  readonly url: string;
  /** wrangler's and workerd's output (requests, reloads, errors: `--log-level info`), kept after the run. */
  readonly log: string;
  /**
   * The workerd process that runs the worker, for its memory: not the one listening on the dev
   * port, which is wrangler's dev proxy (wrangler 4 starts both).
   */
  readonly workerdPid: number;
}

export async function withWranglerDev<T>(
  { port, entry, vars = {} }: WranglerDevOptions,
  use: (dev: WranglerDev) => Promise<T>,
): Promise<T> {
  const state = await mkdtemp(join(tmpdir(), "edge-adapt-bench-"));
  const log = join(tmpdir(), `edge-adapt-bench-wrangler-${port}.log`);
  const output = await open(log, "w");
  const server = spawn(
    TSX,
    [
      "scripts/dev-server.ts",
      ...(entry ? ["--entry", entry] : []),
      "--port",
      String(port),
      "--persist-to",
      state,
      "--log-level",
      "info",
      "--no-watch",
      // Benchmarks time the work, not access control: /v1/embed public, no rate limits.
      "--var",
      "PUBLIC_EMBED:true",
      "--var",
      "RATE_LIMITS:off",
      // The tenant benchmark seeds 10,000 tenants through src/routes/dev-seed.ts.
      "--var",
      "DEV_SEEDING:on",
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    {
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
      stdio: ["ignore", output.fd, output.fd],
      detached: true,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await healthy(url, server);
    const workerdPid = await workerRuntimePid(server.pid ?? 0, port);
    return await use({ url, workerdPid, log });
  } finally {
    await stop(server);
    await output.close();
    await rm(state, { recursive: true, force: true });
  }
}

async function healthy(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the dev server exited with ${server.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error(`wrangler dev was not healthy within ${START_TIMEOUT_MS / 1000} s`);
}

async function workerRuntimePid(root: number, port: number): Promise<number> {
  for (const pid of await workerdPids(root)) {
    const command = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (!command.includes(`:${port}`)) return pid;
  }
  throw new Error("no workerd process running the worker under wrangler");
}

/** The `workerd serve` processes under `root`, in the order a breadth-first walk meets them. */
async function workerdPids(root: number): Promise<number[]> {
  const found: number[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of await childrenOf(pid)) {
      if (await isWorkerd(child)) found.push(child);
      queue.push(child);
    }
  }
  return found;
}

async function isWorkerd(pid: number): Promise<boolean> {
  const command = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return command.includes("workerd") && command.includes("serve");
}

async function childrenOf(pid: number): Promise<number[]> {
  const listed = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  return listed.trim().split(" ").filter(Boolean).map(Number);
}

/** SIGINT to the server's process group; what has not exited by STOP_TIMEOUT_MS is killed. */
async function stop(server: ChildProcess): Promise<void> {
  const group = -(server.pid ?? 0);
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once("exit", resolve));
    signalGroup(group, "SIGINT");
    await Promise.race([exited, sleep(STOP_TIMEOUT_MS)]);
  }
  // workerd processes that outlived the server are still in its group.
  signalGroup(group, "SIGKILL");
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(group, signal);
  } catch {
    // ESRCH: nothing of the group is left.
  }
}

/** A port free on the loopback interface now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(),
      );
    });
  });
}

/** The last lines of a wrangler dev log, to print with a failure. */
export async function logTail(log: string, lines = 30): Promise<string> {
  const text = await readFile(log, "utf8").catch((error: Error) => `(no log: ${error.message})`);
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * A measuring script's entry: `measure` against the server `--url` names, or else against a fresh
 * `wrangler dev` on `port`; its lines are printed.
 */
export async function printMeasured(
  port: number,
  measure: (url: string) => Promise<string[]>,
): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: "string" } } });
  const lines = values.url
    ? await measure(values.url)
    : await withWranglerDev({ port }, (dev) => measure(dev.url));
  console.log(lines.join("\n"));
}
