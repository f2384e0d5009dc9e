/** The tenant benchmark's section for bench/RESULTS.md: setup cost, predict latency, train-to-servable. */

import type { Latency } from "../stats";
import type { Fleet, SetupTimes } from "./fleet";
import { FEW_TENANTS, type LatencyRuns, type PredictLatency } from "./latency";
import type { Servable } from "./servable";

export interface TenantFigures {
  readonly fleet: Fleet;
  readonly askedTenants: number;
  readonly setupBudgetMs: number;
  readonly inFlight: number;
  readonly samplesPerTenant: number;
  readonly probeChars: number;
  readonly latency: PredictLatency;
  readonly latencyRuns: LatencyRuns;
  readonly servable: Servable;
}

/** Predictions cost at most this much more than embedding the same input, at p50. */
const PREDICT_OVER_EMBED_TARGET = 1.05;
/** Switching tenants adds at most this much at p95 once their heads are cached, in ms. */
const SWITCHING_TARGET_MS = 1;

const ms = (value: number) => value.toFixed(1);
const s = (value: number) => (value / 1000).toFixed(2);
const verdict = (met: boolean) => (met ? "met" : "**not met**");

export function tenantsMarkdown(figures: TenantFigures): string {
  return [
    "## Tenants: predict latency, tenant switching, train-to-servable (issue 4)",
    "",
    `\`wrangler dev\` as \`npm start\` runs it (fresh state), driven through the public API and timed by the client over loopback. ${fleetSentence(figures)}`,
    "",
    setupTable(figures.fleet.setups),
    "",
    `Predict latency, batch 1, the same ${figures.probeChars}-character subject line for every call, \`topK\` 3. First visit = each other tenant once in random order: its head is read from KV and deserialised (a head cache miss) and its Durable Object answers its first request. Cached = tenants drawn at random after every head has been loaded once (the isolate's LRU holds 512). The few-tenant draw keeps each tenant's Durable Object busy, which the whole fleet's draw does not, so the gap between the two is what reaching a tenant after a pause costs rather than switching heads. The four steady-state calls take turns in ${figures.latencyRuns.rounds} rounds of ${figures.latencyRuns.runsPerRound} runs; their p50 and p95, the predict ÷ embed ratio and the switching cost (whole-fleet draw) are medians over rounds, so the shared machine's drifting load weighs on each alike.`,
    "",
    latencyTable(figures.fleet.tenants.length, figures.latency),
    "",
    servableTable(figures.servable),
  ].join("\n");
}

function fleetSentence({
  fleet,
  askedTenants,
  setupBudgetMs,
  inFlight,
  samplesPerTenant,
}: TenantFigures) {
  const n = fleet.tenants.length;
  const capped =
    n < askedTenants
      ? `N = ${n} tenants: the ${askedTenants.toLocaleString("en")} the issue asks for did not fit in the ${setupBudgetMs / 1000} s setup budget on this machine`
      : `N = ${n} tenants`;
  const failed =
    fleet.failures.length === 0
      ? ""
      : ` ${fleet.failures.length} setups failed and are left out; the first: \`${fleet.failures[0]}\`.`;
  return `${capped}.${failed} Each has one key and one use-lite adapter with a logistic head, trained once on ${samplesPerTenant} SpamAssassin subject lines (half spam, half ham); ${inFlight} tenants were set up at a time, ${s(fleet.wallMs / n)} s of wall time per tenant.`;
}

function setupTable(setups: readonly SetupTimes[]): string {
  const phases = [
    ["tenant + key + adapter (3 calls)", (t: SetupTimes) => t.create],
    ["upload the samples (1 call, embedded on upload)", (t: SetupTimes) => t.upload],
    ["train, polling the job every 50 ms", (t: SetupTimes) => t.train],
  ] as const;
  return [
    "| setup phase | mean ms per tenant |",
    "|---|---:|",
    ...phases.map(([phase, of]) => `| ${phase} | ${ms(mean(setups.map(of)))} |`),
  ].join("\n");
}

function latencyTable(n: number, latency: PredictLatency): string {
  const { embed, oneTenant, firstVisits, randomCached, randomFewCached } = latency;
  const { predictOverEmbed, switchingMs } = latency;
  const row = (call: string, l: Latency, versus: string, target: string) =>
    `| ${call} | ${l.runs} | ${ms(l.p50)} | ${ms(l.p95)} | ${(l.p50 / embed.p50).toFixed(2)} | ${versus} | ${target} |`;
  return [
    "| call | runs | p50 ms | p95 ms | p50 ÷ embed p50 | p95 − one tenant's p95 | target |",
    "|---|---:|---:|---:|---:|---:|---|",
    row("`POST /v1/embed` (use-lite)", embed, "", ""),
    row(
      "predict, one tenant",
      oneTenant,
      "",
      `p50 ≤ ${PREDICT_OVER_EMBED_TARGET}× embed: ${predictOverEmbed.toFixed(2)}×, ${verdict(predictOverEmbed <= PREDICT_OVER_EMBED_TARGET)}`,
    ),
    row(
      `predict, first visit to each of ${n - 1} other tenants (head cache miss)`,
      firstVisits,
      `${ms(firstVisits.p95 - oneTenant.p95)} ms`,
      "reported",
    ),
    row(
      `predict, random tenant of ${n}, heads cached`,
      randomCached,
      `${ms(switchingMs)} ms`,
      `≤ ${SWITCHING_TARGET_MS} ms: ${verdict(switchingMs <= SWITCHING_TARGET_MS)}`,
    ),
    row(
      `predict, random tenant of the first ${FEW_TENANTS}, heads cached`,
      randomFewCached,
      `${ms(randomFewCached.p95 - oneTenant.p95)} ms`,
      "reported",
    ),
  ].join("\n");
}

function servableTable(servable: Servable): string {
  return [
    `Train-to-servable on a new tenant: ${servable.samplesStored} samples stored (SpamAssassin subject lines, half spam), uploaded in requests of at most 64, then trained with the adapter's defaults (logistic, C swept on validation).`,
    "",
    "| upload s | train: POST → job succeeded s | train → first prediction with the new version s | upload + train-to-servable s | predictions refused before it |",
    "|---:|---:|---:|---:|---:|",
    `| ${s(servable.uploadMs)} | ${s(servable.trainMs)} | ${s(servable.trainToServableMs)} | ${s(servable.uploadMs + servable.trainToServableMs)} | ${servable.earlyPredictions} |`,
  ].join("\n");
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
