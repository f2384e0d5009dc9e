/**
 * Prediction latency from the client, all on the same input: bare `/v1/embed`, one tenant over and
 * over, every other tenant once (its head not yet in the isolate's cache: read from KV and
 * deserialised), then tenants drawn at random once all heads are cached: from the whole fleet, and
 * from a few tenants only, whose Durable Objects are never idle for long, to tell the cost of
 * switching heads from the cost of reaching a tenant's object after a pause.
 *
 * The machine is shared, so its load drifts over a run: the steady-state calls take turns in short
 * rounds, and each figure is the median over rounds, so that a busy minute weighs on every call alike.
 */

import { type Latency, measure } from "../stats";
import type { BenchApi, TenantAdapter } from "./api";

export interface PredictLatency {
  readonly embed: Latency;
  readonly oneTenant: Latency;
  readonly firstVisits: Latency;
  readonly randomCached: Latency;
  readonly randomFewCached: Latency;
  /** Median over rounds of (one tenant's p50 ÷ embed's p50). */
  readonly predictOverEmbed: number;
  /** Median over rounds of (random tenant's p95 − one tenant's p95), in ms. */
  readonly switchingMs: number;
}

export interface LatencyRuns {
  readonly rounds: number;
  readonly runsPerRound: number;
}

const WARMUP = 10;
/** Tenants in the "few" draw. */
export const FEW_TENANTS = 8;

type Call = () => Promise<void>;

export async function measurePredictLatency(
  api: BenchApi,
  tenants: readonly TenantAdapter[],
  probe: string,
  { rounds, runsPerRound }: LatencyRuns,
): Promise<PredictLatency> {
  const [hammered, ...others] = tenants.map((tenant): Call => {
    const predict = api.predictor(tenant, probe);
    return async () => {
      await predict();
    };
  });
  if (!hammered || others.length === 0) throw new Error("need at least two tenants");
  const embed = api.embedder(probe);
  for (let i = 0; i < WARMUP; i++) {
    await embed();
    await hammered();
  }

  const unvisited = shuffled(others);
  const firstVisits = await measure(() => (unvisited.pop() as Call)(), 0, unvisited.length);

  const everyone = [hammered, ...others];
  const few = everyone.slice(0, FEW_TENANTS);
  const perRound: Record<"embed" | "oneTenant" | "randomCached" | "randomFewCached", Latency>[] =
    [];
  for (let round = 0; round < rounds; round++) {
    perRound.push({
      embed: await measure(embed, 0, runsPerRound),
      oneTenant: await measure(hammered, 0, runsPerRound),
      randomCached: await measure(() => pickAtRandom(everyone)(), 0, runsPerRound),
      randomFewCached: await measure(() => pickAtRandom(few)(), 0, runsPerRound),
    });
  }
  return {
    embed: medianOf(perRound.map((r) => r.embed)),
    oneTenant: medianOf(perRound.map((r) => r.oneTenant)),
    firstVisits,
    randomCached: medianOf(perRound.map((r) => r.randomCached)),
    randomFewCached: medianOf(perRound.map((r) => r.randomFewCached)),
    predictOverEmbed: median(perRound.map((r) => r.oneTenant.p50 / r.embed.p50)),
    switchingMs: median(perRound.map((r) => r.randomCached.p95 - r.oneTenant.p95)),
  };
}

/** Median p50 and median p95 over rounds, with every round's runs counted. */
function medianOf(rounds: readonly Latency[]): Latency {
  return {
    p50: median(rounds.map((l) => l.p50)),
    p95: median(rounds.map((l) => l.p95)),
    runs: rounds.reduce((total, l) => total + l.runs, 0),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
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
