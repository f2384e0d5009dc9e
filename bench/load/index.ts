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
    for (const phase of phases) quiet.push(await runLoad(send, phase));

    const keeper = keepTraining(setup.api, setup.training);
    await Promise.race([
      keeper.running,
      sleep(TRAINING_START_TIMEOUT_MS).then(() => {
        throw new Error(`the training did not start within ${TRAINING_START_TIMEOUT_MS / 1000} s`);
      }),
    ]);
    const busy: LoadResult[] = [];
    for (const phase of phases) busy.push(await runLoad(send, phase));
    const training = await keeper.stop();
    return loadMarkdown({ seconds, timeoutMs, concurrencies, quiet, busy, training });
  });
}
