/**
 * A long training kept running on its own tenant while the load runs: the MLP head with
 * documented, valid settings, started again each time it finishes.
 */

import { setTimeout as sleep } from "node:timers/promises";
import type { BenchApi, TenantAdapter } from "../tenants/api";

export const LONG_TRAINING = {
  headType: "mlp",
  hyperparameters: { hiddenUnits: 512, maxEpochs: 400, patience: 100, batchSize: 4 },
} as const;

const POLL_MS = 1_000;
/**
 * A poll waits while the training blocks the server, or until another request comes in when
 * wrangler's dev proxy has parked it (README, "npm start answers 503"): after this long it is asked
 * again.
 */
const POLL_TIMEOUT_MS = 30_000;

export interface Job {
  id: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  steps?: { steps: number; maxStepMs: number; computeMs: number };
  startedAt: string | null;
  finishedAt: string | null;
}

export interface TrainingLog {
  readonly started: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Starts refused or lost (e.g. 409 while a job is still running, or a dropped connection). */
  readonly startErrors: readonly string[];
  /** Wall-clock seconds of each finished job, from the client's start to its seeing the end. */
  readonly secondsEach: readonly number[];
  /** The jobs' bounded steps (the last one as far as it got), as the server counted them. */
  readonly steps: { count: number; maxMs: number; computeMs: number };
}

export interface TrainingKeeper {
  /** Resolves once the first job is accepted (202); it runs from the object's next alarm. */
  readonly accepted: Promise<void>;
  /** Stops starting new jobs; the current one is left to the server's end. */
  stop(): Promise<TrainingLog>;
}

export function keepTraining(api: BenchApi, target: TenantAdapter): TrainingKeeper {
  const auth = `Bearer ${target.key}`;
  const log = {
    started: 0,
    succeeded: 0,
    failed: 0,
    startErrors: [] as string[],
    secondsEach: [] as number[],
    steps: { count: 0, maxMs: 0, computeMs: 0 },
  };
  let stopped = false;
  let markAccepted: () => void = () => {};
  const accepted = new Promise<void>((resolve) => {
    markAccepted = resolve;
  });

  async function trainOnce() {
    const clock = performance.now();
    let job = await api.json<Job>(
      "POST",
      `/v1/adapters/${target.adapterId}/train`,
      auth,
      LONG_TRAINING,
    );
    log.started++;
    markAccepted();
    while (job.status === "queued" || job.status === "running") {
      // Stopped: the job under way is left to the server, which the bench is about to stop.
      if (stopped) return countSteps(job);
      await sleep(POLL_MS);
      job = await poll(job);
    }
    countSteps(job);
    if (job.status === "cancelled") return;
    log[job.status]++;
    log.secondsEach.push((performance.now() - clock) / 1000);
  }

  /** Adds a job's steps (finished, or as far as it got) to the log. */
  function countSteps(job: Job) {
    if (!job.steps) return;
    log.steps.count += job.steps.steps;
    log.steps.maxMs = Math.max(log.steps.maxMs, job.steps.maxStepMs);
    log.steps.computeMs += job.steps.computeMs;
  }

  /** The job as the server has it now, or as it was when the server does not answer. */
  function poll(job: Job): Promise<Job> {
    return fetch(`${api.url}/v1/jobs/${job.id}`, {
      headers: { authorization: auth },
      signal: AbortSignal.timeout(POLL_TIMEOUT_MS),
    })
      .then(async (response) => (response.ok ? ((await response.json()) as Job) : job))
      .catch(() => job);
  }

  const loop = (async () => {
    while (!stopped) {
      await trainOnce().catch(async (error: unknown) => {
        log.startErrors.push(String(error).slice(0, 200));
        await sleep(POLL_MS);
      });
    }
  })();

  return {
    accepted,
    async stop() {
      stopped = true;
      // A poll may be waiting on a blocked server; the log counts what has finished by now.
      await Promise.race([loop, sleep(POLL_MS)]);
      return { ...log, startErrors: [...log.startErrors], secondsEach: [...log.secondsEach] };
    },
  };
}
