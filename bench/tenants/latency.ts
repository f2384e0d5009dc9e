/**
 * Prediction latency from the client, all on the same input: bare `/v1/embed`, one tenant over and
 * over, a sample of the other tenants once each (serving records and head not yet in the isolate:
 * read from KV, the head deserialised), then tenants drawn at random: from the whole fleet (with
 * 10,000 tenants most draws miss the isolate's caches, which hold 512 heads and keep serving records
 * for 2 s) and from a few tenants only (everything cached), to tell the cost of switching from the
 * cost of reading a tenant's records and head. The whole-fleet draw is timed twice: with the adapters
 * whose records carry their head (one KV read), and over the seeded tenants with their twin adapters
 * whose records leave it out (records, then the head's key: the path before inline heads).
 *
 * The machine is shared, so its load drifts over a run: the steady-state calls take turns call by
 * call, in rounds, and each figure is the median over rounds, so that a busy minute weighs on every
 * call alike. The switching cost then gets its own phase, sized to resolve about 1 ms: one tenant, a
 * random tenant of all and a random one of the few take turns (a fresh order each turn) for
 * `switchTurns` turns, and the p95 differences come with paired bootstrap intervals (turns
 * resampled whole); the few-tenant draw, cached like the one tenant, is the method's own null check.
 */

import { type Interval, type Latency, measure, percentile, percentileDifference } from "../stats";
import type { BenchApi, TenantAdapter } from "./api";

export interface PredictLatency {
  readonly embed: Latency;
  readonly oneTenant: Latency;
  readonly firstVisits: Latency;
  readonly randomOfAll: Latency;
  /** The same draw over the seeded tenants, predicting with the adapter whose record leaves the head out. */
  readonly randomSeparateHead: Latency;
  readonly randomOfFew: Latency;
  /** Median over rounds of (one tenant's p50 ÷ embed's p50). */
  readonly predictOverEmbed: number;
  /** Median over rounds of (random tenant's p95 − one tenant's p95), in ms. */
  readonly switchingMs: number;
  /** The same for the draw whose records leave the head out: main's path before inline heads. */
  readonly switchingSeparateHeadMs: number;
  readonly switching: Switching;
}

/** p95 added over one tenant, from the switching phase's paired turns. */
export interface Switching {
  readonly turns: number;
  /** Random tenant of all − one tenant. */
  readonly added: Interval;
  /** Random tenant of the few (cached) − one tenant: should contain 0. */
  readonly fewAdded: Interval;
}

export interface LatencyRuns {
  readonly rounds: number;
  readonly runsPerRound: number;
  readonly switchTurns: number;
}

const WARMUP = 10;
/** Tenants visited for the first time, timed: a sample, so 10,000 tenants take minutes, not ten. */
export const FIRST_VISITS = 500;
/** Tenants in the "few" draw. */
export const FEW_TENANTS = 8;

type Call = () => Promise<void>;
type SteadyCall = "embed" | "oneTenant" | "randomOfAll" | "randomSeparateHead" | "randomOfFew";

export async function measurePredictLatency(
  api: BenchApi,
  tenants: readonly TenantAdapter[],
  probe: string,
  { rounds, runsPerRound, switchTurns }: LatencyRuns,
): Promise<PredictLatency> {
  const caller = (tenant: TenantAdapter): Call => {
    const predict = api.predictor(tenant, probe);
    return async () => {
      await predict();
    };
  };
  const [hammered, ...others] = tenants.map(caller);
  const separateHead = tenants.flatMap(({ separateHeadAdapterId, ...tenant }) =>
    separateHeadAdapterId ? [caller({ ...tenant, adapterId: separateHeadAdapterId })] : [],
  );
  if (separateHead.length === 0) throw new Error("need seeded tenants");
  if (!hammered || others.length === 0) throw new Error("need at least two tenants");
  const embed = api.embedder(probe);
  for (let i = 0; i < WARMUP; i++) {
    await embed();
    await hammered();
  }

  const unvisited = shuffled(others).slice(0, FIRST_VISITS);
  const firstVisits = await measure(() => (unvisited.pop() as Call)(), 0, unvisited.length);

  const everyone = [hammered, ...others];
  const few = everyone.slice(0, FEW_TENANTS);
  const perRound: Record<SteadyCall, Latency>[] = [];
  const steady: Record<SteadyCall, Call> = {
    embed,
    oneTenant: hammered,
    randomOfAll: () => pickAtRandom(everyone)(),
    randomSeparateHead: () => pickAtRandom(separateHead)(),
    randomOfFew: () => pickAtRandom(few)(),
  };
  for (let round = 0; round < rounds; round++) {
    perRound.push(await measureInTurns(steady, runsPerRound).then(latencies));
  }
  const paired = await measureInTurns(
    { oneTenant: hammered, randomOfAll: steady.randomOfAll, randomOfFew: steady.randomOfFew },
    switchTurns,
  );
  const p95Added = (draw: "randomOfAll" | "randomOfFew") =>
    percentileDifference(paired.oneTenant, paired[draw], 0.95);
  return {
    embed: medianOf(perRound.map((r) => r.embed)),
    oneTenant: medianOf(perRound.map((r) => r.oneTenant)),
    firstVisits,
    randomOfAll: medianOf(perRound.map((r) => r.randomOfAll)),
    randomSeparateHead: medianOf(perRound.map((r) => r.randomSeparateHead)),
    randomOfFew: medianOf(perRound.map((r) => r.randomOfFew)),
    predictOverEmbed: median(perRound.map((r) => r.oneTenant.p50 / r.embed.p50)),
    switchingMs: median(perRound.map((r) => r.randomOfAll.p95 - r.oneTenant.p95)),
    switchingSeparateHeadMs: median(
      perRound.map((r) => r.randomSeparateHead.p95 - r.oneTenant.p95),
    ),
    switching: {
      turns: switchTurns,
      added: p95Added("randomOfAll"),
      fewAdded: p95Added("randomOfFew"),
    },
  };
}

/**
 * Each call once per turn, in a fresh random order: a few milliseconds of difference between two
 * calls must not be the machine's load moving between their runs.
 */
async function measureInTurns<Name extends string>(
  calls: Record<Name, Call>,
  turns: number,
): Promise<Record<Name, number[]>> {
  const names = Object.keys(calls) as Name[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    Name,
    number[]
  >;
  for (let turn = 0; turn < turns; turn++) {
    for (const name of shuffled(names)) {
      const start = performance.now();
      await calls[name]();
      times[name].push(performance.now() - start);
    }
  }
  return times;
}

function latencies<Name extends string>(times: Record<Name, number[]>): Record<Name, Latency> {
  return Object.fromEntries(
    Object.entries<number[]>(times).map(([name, runs]) => [name, latencyOf(runs)]),
  ) as Record<Name, Latency>;
}

function latencyOf(times: readonly number[]): Latency {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95), runs: sorted.length };
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
