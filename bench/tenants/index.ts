/**
 * The tenant benchmark (issues 4 and 15) against `wrangler dev` as `npm start` runs it: a fleet of
 * tenants (a few set up and trained through the API, the rest seeded as copies of them in KV, see
 * src/routes/dev-seed.ts), predict latency for one tenant vs a random one and vs bare embedding, and
 * train-to-servable for 200 samples. Returns the markdown section.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { withWranglerDev } from "../wrangler-dev";
import { BenchApi } from "./api";
import { buildFleet, seedClones } from "./fleet";
import { measurePredictLatency } from "./latency";
import { tenantsMarkdown } from "./markdown";
import { measureServable } from "./servable";
import { benchTexts } from "./texts";

export interface TenantBenchOptions {
  /** The fleet: the 10,000 tenants, real ones and seeded copies. */
  readonly tenants?: number;
  /** Tenants set up through the API (fewer when that outlasts `setupBudgetMs`); the rest are seeded. */
  readonly maxRealTenants?: number;
  readonly setupBudgetMs?: number;
  readonly inFlight?: number;
  /** Steady-state rounds; each times embed, one tenant and a random tenant `runsPerRound` times. */
  readonly rounds?: number;
  readonly runsPerRound?: number;
  /** Turns of the switching phase (one tenant, random of all, random of few, each once a turn). */
  readonly switchTurns?: number;
  readonly port?: number;
}

export async function benchTenants({
  tenants = 10_000,
  maxRealTenants = 20,
  setupBudgetMs = 2 * 60_000,
  inFlight = 4,
  rounds = 7,
  runsPerRound = 100,
  switchTurns = 2000,
  port = 8797,
}: TenantBenchOptions = {}): Promise<string> {
  const texts = benchTexts();
  return withWranglerDev({ port }, async ({ url, log }) => {
    const api = new BenchApi(url);
    // use-lite's cold load is no tenant's cost; and uploads racing it have lost their connection.
    await api.embedder(texts.probe)();
    const fleet = await buildFleet(api, texts.fleet, {
      maxTenants: maxRealTenants,
      budgetMs: setupBudgetMs,
      inFlight,
    });
    const seeding = await seedClones(api, fleet.tenants, tenants - fleet.tenants.length);
    const latencyRuns = { rounds, runsPerRound, switchTurns };
    const everyone = [...fleet.tenants, ...seeding.clones];
    const latency = await measurePredictLatency(api, everyone, texts.probe, latencyRuns);
    // The latency statistics (bootstrap resamples) kept the event loop busy for seconds, long enough
    // for the server to close idle keep-alive connections unseen: a macrotask lets the client's
    // sockets take those closes before the next request would reuse one ("other side closed").
    await sleep(100);
    // A failure here is reported, not allowed to lose the rest.
    const servable = await measureServable(api, texts.twoHundred, texts.probe).catch(
      (error: unknown) => new Error(`${describeFailure(error)} (wrangler dev's log: ${log})`),
    );
    return tenantsMarkdown({
      fleet,
      seeding,
      askedTenants: maxRealTenants,
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

/** The error with its causes: undici's "fetch failed" says why only in `cause` (a reset, a timeout). */
function describeFailure(error: unknown): string {
  const parts: string[] = [];
  for (let at = error; at !== undefined && parts.length < 4; ) {
    if (!(at instanceof Error)) {
      parts.push(String(at));
      break;
    }
    const code = (at as { code?: unknown }).code;
    parts.push(typeof code === "string" ? `${at.message} [${code}]` : at.message);
    at = at.cause;
  }
  return parts.join(": ");
}
