/**
 * A `wrangler dev` of this repository for tests that talk HTTP to it: on a free port, with a fresh
 * persistence directory and no metrics (offline-safe: .env turns off wrangler's `Request.cf`
 * download). It runs in its own process group, so that stopping it also stops its workerd.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const WRANGLER = join("node_modules", ".bin", "wrangler");
const READY_TIMEOUT_MS = 180_000;

export interface WranglerDev {
  readonly base: string;
  /** Everything wrangler printed so far, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export async function startWranglerDev(): Promise<WranglerDev> {
  const port = await freePort();
  const persistTo = mkdtempSync(join(tmpdir(), "edge-adapt-dev-"));
  const child = spawn(WRANGLER, ["dev", "--port", String(port), "--persist-to", persistTo], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const server: WranglerDev = {
    base: `http://127.0.0.1:${port}`,
    log: () => output,
    stop: async () => {
      await stopGroup(child);
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
  try {
    await untilHealthy(server.base, child);
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n--- wrangler output ---\n${output}`);
  }
  return server;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

async function untilHealthy(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer /healthz within ${READY_TIMEOUT_MS / 1000} s`);
}

/** SIGTERM to the whole group (wrangler and workerd), SIGKILL if it has not exited after 10 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  signalGroup(pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
  signalGroup(pid, "SIGKILL"); // workerd, if it outlived wrangler
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group has already gone
  }
}
