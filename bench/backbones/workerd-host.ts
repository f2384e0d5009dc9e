/**
 * One backbone on workerd: a fresh `wrangler dev` per backbone, timed from the client side over
 * loopback (local workerd's timers advance during CPU work, production's do not, so only the client's
 * clock is trusted). Memory is the workerd process's peak RSS (VmHWM) and the wasm heap it reports.
 */

import { readFile } from "node:fs/promises";
import { withWranglerDev } from "../wrangler-dev";
import { type HostFigures, measureHost } from "./measure";

export interface WorkerdFigures extends HostFigures {
  idleRssBytes: number;
  peakRssBytes: number;
  wasmHeapBytes: number;
}

export function measureWorkerd(backbone: string, port: number): Promise<WorkerdFigures> {
  return withWranglerDev({ port }, async ({ url, workerdPid }) => {
    const idleRssBytes = await procStatus(workerdPid, "VmRSS");
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
    const peakRssBytes = await procStatus(workerdPid, "VmHWM");
    return { ...figures, idleRssBytes, peakRssBytes, wasmHeapBytes: listing.runtime.wasmHeapBytes };
  });
}

async function procStatus(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kilobytes = Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1]);
  return kilobytes * 1024;
}
