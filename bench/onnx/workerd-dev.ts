/**
 * One deployment entry (src/runtime/deployments/*.ts) under `wrangler dev`, so the workerd process
 * holds only that deployment's runtime. Ready once /healthz answers; stopped by its pid.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const WRANGLER = "node_modules/.bin/wrangler";
const START_TIMEOUT_MS = 120_000;

export async function withWranglerDev<T>(
  entry: string,
  port: number,
  use: (url: string) => Promise<T>,
): Promise<T> {
  const state = await mkdtemp(join(tmpdir(), "edge-adapt-onnx-bench-"));
  const wrangler = spawn(
    WRANGLER,
    ["dev", entry, "--port", String(port), "--persist-to", state, "--log-level", "error"],
    { env: { ...process.env, WRANGLER_SEND_METRICS: "false" }, stdio: "ignore" },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await healthy(url, wrangler);
    return await use(url);
  } finally {
    if (wrangler.exitCode === null) {
      const exited = new Promise((resolve) => wrangler.once("exit", resolve));
      wrangler.kill("SIGINT");
      await exited;
    }
    await rm(state, { recursive: true, force: true });
  }
}

async function healthy(url: string, wrangler: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (wrangler.exitCode !== null)
      throw new Error(`wrangler dev exited with ${wrangler.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await sleep(500);
  }
  throw new Error(`wrangler dev was not healthy within ${START_TIMEOUT_MS / 1000} s`);
}
