/**
 * The load benchmark (issue 10) against `wrangler dev` as `npm start` runs it: mixed requests at
 * each concurrency, first without and then during a long training on another tenant. Returns the
 * markdown section. `BENCH_LOAD_SECONDS` (default 60) shortens a phase for a quick try, and
 * `BENCH_LOAD_CONCURRENCY` (default "4,16,64") picks the concurrencies.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { withWranglerDev } from "../wrangler-dev";
import { loadMarkdown } from "./markdown";
import { REQUEST_KINDS, requestSender } from "./requests";
import { type LoadPhase, type LoadResult, runLoad } from "./run-load";
import { setUpLoad } from "./setup";
import { keepTraining } from "./training";

export interface LoadBenchOptions {
  readonly seconds?: number;
  readonly concurrencies?: readonly number[];
  readonly timeoutMs?: number;
  readonly port?: number;
}

const TRAINING_START_TIMEOUT_MS = 120_000;
/** From the 202 to the training's first step: the tenant object's alarm fires at once. */
const TRAINING_SETTLE_MS = 2_000;

export function loadOptionsFromEnv(env = process.env): LoadBenchOptions {
  const seconds = env.BENCH_LOAD_SECONDS;
  const concurrencies = env.BENCH_LOAD_CONCURRENCY;
  return {
    ...(seconds ? { seconds: Number(seconds) } : {}),
    ...(concurrencies ? { concurrencies: concurrencies.split(",").map(Number) } : {}),
  };
}

export async function benchLoad({
  seconds = 60,
  concurrencies = [4, 16, 64],
  timeoutMs = 30_000,
  port = 8798,
}: LoadBenchOptions = {}): Promise<string> {
  return withWranglerDev({ port }, async ({ url }) => {
    const setup = await setUpLoad(url);
    const send = requestSender(setup.targets);
    // One of each first: nothing timed pays for a cold backbone.
    for (const [turn, kind] of REQUEST_KINDS.entries()) {
      await send(kind, turn, AbortSignal.timeout(timeoutMs)).then((response) => response.text());
    }
    const phases = concurrencies.map(
      (concurrency): LoadPhase => ({ concurrency, durationMs: seconds * 1000, timeoutMs }),
    );
    const quiet: LoadResult[] = [];
    for (const phase of phases) quiet.push(await logged(runLoad(send, phase), phase, "no"));

    const keeper = keepTraining(setup.api, setup.training);
    await Promise.race([
      keeper.accepted,
      sleep(TRAINING_START_TIMEOUT_MS).then(() => {
        throw new Error(`no training accepted within ${TRAINING_START_TIMEOUT_MS / 1000} s`);
      }),
    ]);
    await sleep(TRAINING_SETTLE_MS);
    const busy: LoadResult[] = [];
    for (const phase of phases) busy.push(await logged(runLoad(send, phase), phase, "yes"));
    const training = await keeper.stop();
    return loadMarkdown({ seconds, timeoutMs, concurrencies, quiet, busy, training });
  });
}

/** A line on stderr per phase, so a long run shows where it is (and what it has) as it goes. */
async function logged(pending: Promise<LoadResult>, phase: LoadPhase, training: string) {
  const result = await pending;
  const results = [...result.results].map(([kind, count]) => `${kind} ×${count}`).join(", ");
  console.error(`load: concurrency ${phase.concurrency}, training ${training}: ${results}`);
  return result;
}
