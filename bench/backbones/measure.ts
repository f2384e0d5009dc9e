/** What the backbone benchmark records for one host: cold start, warm latency per item, throughput. */

import { measure } from "../stats";
import { embedBody } from "./inputs";

export type Embed = (body: string) => Promise<void>;

export interface HostFigures {
  coldMs: number;
  batch1: { p50: number; p95: number };
  batch16PerItem: { p50: number; p95: number };
  itemsPerSecond: number;
}

const RUNS = {
  "mobilenet-v2": { batch1: 40, batch16: 8 },
  "mobilenet-v2-100": { batch1: 40, batch16: 8 },
  // About 0.7 s an image on this machine: fewer runs, the same statistics.
  "inception-v3": { batch1: 15, batch16: 4 },
  "use-lite": { batch1: 60, batch16: 12 },
};

export async function measureHost(backbone: string, embed: Embed): Promise<HostFigures> {
  const runs = RUNS[backbone as keyof typeof RUNS];
  const one = embedBody(backbone, 1);
  const sixteen = embedBody(backbone, 16);
  const coldStart = performance.now();
  await embed(one);
  const coldMs = performance.now() - coldStart;
  const batch1 = await measure(() => embed(one), 5, runs.batch1);
  const batch16 = await measure(() => embed(sixteen), 2, runs.batch16);
  return {
    coldMs,
    batch1: { p50: batch1.p50, p95: batch1.p95 },
    batch16PerItem: { p50: batch16.p50 / 16, p95: batch16.p95 / 16 },
    itemsPerSecond: 16_000 / batch16.p50,
  };
}
