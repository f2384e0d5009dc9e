/**
 * Prediction latency from the client, all on the same input: bare `/v1/embed`, one tenant over and
 * over, every other tenant once (its head not yet in the isolate's cache: read from KV and
 * deserialised), then tenants drawn at random once all heads are cached.
 */

import { type Latency, measure } from "../stats";
import type { BenchApi, TenantAdapter } from "./api";

export interface PredictLatency {
  readonly embed: Latency;
  readonly oneTenant: Latency;
  readonly firstVisits: Latency;
  readonly randomCached: Latency;
}

const WARMUP = 10;

type Call = () => Promise<void>;

export async function measurePredictLatency(
  api: BenchApi,
  tenants: readonly TenantAdapter[],
  probe: string,
  runs: number,
): Promise<PredictLatency> {
  const [hammered, ...others] = tenants.map((tenant): Call => {
    const predict = api.predictor(tenant, probe);
    return async () => {
      await predict();
    };
  });
  if (!hammered || others.length === 0) throw new Error("need at least two tenants");

  const embed = await measure(api.embedder(probe), WARMUP, runs);
  const oneTenant = await measure(hammered, WARMUP, runs);
  const unvisited = shuffled(others);
  const firstVisits = await measure(() => (unvisited.pop() as Call)(), 0, unvisited.length);
  const everyone = [hammered, ...others];
  const randomCached = await measure(() => pickAtRandom(everyone)(), 0, runs);
  return { embed, oneTenant, firstVisits, randomCached };
}

function pickAtRandom<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

function shuffled<T>(items: readonly T[]): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}
