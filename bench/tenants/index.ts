/**
 * The tenant benchmark (issue 4) against `wrangler dev` as `npm start` runs it: a fleet of trained
 * tenants, predict latency for one tenant vs a random one (head cache misses, then cached) and vs
 * bare embedding, and train-to-servable for 200 samples. Returns the markdown section.
 */

import { withWranglerDev } from "../wrangler-dev";
import { BenchApi } from "./api";
import { buildFleet } from "./fleet";
import { measurePredictLatency } from "./latency";
import { tenantsMarkdown } from "./markdown";
import { measureServable } from "./servable";
import { benchTexts } from "./texts";

export interface TenantBenchOptions {
  /** The fleet size; fewer when setting them up outlasts `setupBudgetMs`. */
  readonly maxTenants?: number;
  readonly setupBudgetMs?: number;
  readonly inFlight?: number;
  /** Steady-state rounds; each times embed, one tenant and a random tenant `runsPerRound` times. */
  readonly rounds?: number;
  readonly runsPerRound?: number;
  readonly port?: number;
}

export async function benchTenants({
  maxTenants = 1_000,
  setupBudgetMs = 5 * 60_000,
  inFlight = 4,
  rounds = 7,
  runsPerRound = 100,
  port = 8797,
}: TenantBenchOptions = {}): Promise<string> {
  const texts = benchTexts();
  return withWranglerDev({ port }, async ({ url }) => {
    const api = new BenchApi(url);
    // use-lite's cold load is no tenant's cost; and uploads racing it have lost their connection.
    await api.embedder(texts.probe)();
    const fleet = await buildFleet(api, texts.fleet, {
      maxTenants,
      budgetMs: setupBudgetMs,
      inFlight,
    });
    const latencyRuns = { rounds, runsPerRound };
    const latency = await measurePredictLatency(api, fleet.tenants, texts.probe, latencyRuns);
    const servable = await measureServable(api, texts.twoHundred, texts.probe);
    return tenantsMarkdown({
      fleet,
      askedTenants: maxTenants,
      setupBudgetMs,
      inFlight,
      samplesPerTenant: texts.fleet.length,
      probeChars: texts.probe.length,
      latency,
      latencyRuns,
      servable,
    });
  });
}
