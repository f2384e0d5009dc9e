/**
 * The `JobRunner` Durable Object: one per job (named by the job's id), it executes the job as bounded
 * steps (src/jobs), one step per alarm. After each step it stores the checkpoint and the step
 * counters together, reports progress to the tenant's object and schedules the next step, so
 * requests interleave between steps and the tenant's object is never busy with a computation.
 *
 * A step that dies (crash, deploy, kill, CPU limit) leaves its attempt counted: the next alarm
 * continues from the last checkpoint, up to RETRY_BUDGET attempts of the same step. A job has
 * its steps' budget in all (JobSteps.stepBudget: JOB_STEPS, up to twice that for a training whose
 * fits' worst case is known). Cancelling the job or deleting its tenant stops the runner at its
 * next step boundary. When the job ends, the runner erases everything it stored.
 */

import { DurableObject } from "cloudflare:workers";
import { encodeCheckpoint, HeadInputError } from "../../adapters";
import { ImageError } from "../../models/image/image-error";
import { InputError } from "../../models/input-error";
import type { Bindings } from "../env";
import { failureOf } from "../jobs/failure";
import { jobStepFlops } from "../jobs/job-step-flops";
import type { JobContext, JobSteps } from "../jobs/job-steps";
import { shownProgress } from "../jobs/shown-progress";
import { stepsFor } from "../jobs/steps-for";
import { Problem } from "../problem";
import { isolatePool } from "../runtime/deployments/isolate-pool";
import { unwrap } from "../storage/outcome";
import type { JobRecord } from "../storage/records";
import { RunnerState, type RunRecord, type RunTicket } from "../storage/runner-state";
import { type TenantStoreClient, tenantStore } from "../tenants/stores";

/** Attempts at one step before the job fails: a step that kills its isolate every time must not loop. */
export const RETRY_BUDGET = 3;
/** Pause before attempting again a step that threw something unexpected, times the attempts. */
const RETRY_DELAY_MS = 1_000;
/**
 * A large checkpoint (an MLP head's weights and Adam moments: tens of MB) is written at most this
 * often; a small one after every step. A kill then costs at most this much work, redone exactly.
 */
const LARGE_CHECKPOINT_INTERVAL_MS = 2_000;
const SMALL_CHECKPOINT_BYTES = 1 << 20;

type Failure = { code: string; detail: string };

export class JobRunner extends DurableObject<Bindings> {
  private readonly runner: RunnerState;
  /** The job's steps with their data loaded, kept between alarms while this instance lives. */
  private live: { jobId: string; steps: JobSteps } | null = null;
  /** Step time since the checkpoint was last written by this instance. */
  private sinceCheckpointMs = 0;
  /** Whether the last checkpoint encoded was large (so the next ones wait for the interval). */
  private largeCheckpoint = false;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.runner = new RunnerState(ctx.storage);
  }

  /** Takes the job and schedules its first step (again only if it has no runner yet). */
  async start(ticket: RunTicket): Promise<void> {
    if (this.runner.run) return;
    this.runner.begin(ticket);
    await this.ctx.storage.setAlarm(Date.now());
  }

  /** The tenant's watchdog: a runner whose next step is not scheduled gets it scheduled. */
  async ensureRunning(ticket: RunTicket): Promise<void> {
    if (!this.runner.run) return this.start(ticket);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now());
  }

  override async alarm(): Promise<void> {
    try {
      await this.runNextStep();
    } catch (error) {
      // Outside the step's own try: an RPC to the tenant's object or this object's storage failed.
      // Said here, and scheduled like a failed step, rather than left to the runtime's silent retry.
      const run = this.runner.run;
      if (!run) return;
      console.warn(`job ${run.jobId}: its alarm failed outside the step, trying again`, error);
      await this.ctx.storage.setAlarm(Date.now() + RETRY_DELAY_MS * Math.max(1, run.attempts));
    }
  }

  private async runNextStep(): Promise<void> {
    const run = this.runner.run;
    if (!run) return;
    const tenant = tenantStore(this.env, run.tenantId);
    if (run.attempts >= RETRY_BUDGET) {
      return this.fail(tenant, run, {
        code: "interrupted",
        detail: `step ${run.steps + 1} was started ${run.attempts} times and never finished (a crash, deploy or CPU limit each time)`,
      });
    }
    const attempt = this.runner.countAttempt();
    const found = await tenant.jobForRunner(run.jobId);
    if (!found) return this.stop();

    const started = performance.now();
    // Rebuilt from its checkpoint after steps were taken: it redoes the work since that checkpoint.
    const resumed = this.live?.jobId !== run.jobId && run.steps > 0;
    let steps: JobSteps;
    try {
      steps = this.stepsOf(found, tenant, run.tenantId);
      await steps.step();
    } catch (error) {
      this.live = null;
      if (isPermanent(error) || attempt.attempts >= RETRY_BUDGET) {
        return this.fail(tenant, run, failureOf(error, found.job.kind));
      }
      console.warn(`job ${run.jobId}: step ${run.steps + 1} failed, trying again`, error);
      await this.ctx.storage.setAlarm(Date.now() + RETRY_DELAY_MS * attempt.attempts);
      return;
    }
    if (steps.done) return this.finish(tenant, run, found.job, steps);

    const stepMs = performance.now() - started;
    const record = this.runner.finishStep(this.checkpointToWrite(steps, stepMs), stepMs);
    // Checked after a step, when the steps know their budget (a training's, once its run is built).
    if (record.steps >= steps.stepBudget) {
      return this.fail(tenant, run, {
        code: "work-budget-exceeded",
        detail: `the job used its ${steps.stepBudget} steps without finishing; train with fewer samples, epochs or sweep candidates`,
      });
    }
    const progress = shownProgress(found.job.progress, steps.progress, resumed);
    if (!(await tenant.recordStep(run.jobId, progress, stepStats(record)))) {
      return this.stop();
    }
    await this.ctx.storage.setAlarm(Date.now());
  }

  /** The job's steps: kept in memory between alarms, or rebuilt from the last checkpoint. */
  private stepsOf(
    { job, adapter }: Pick<JobContext, "job" | "adapter">,
    tenant: TenantStoreClient,
    tenantId: string,
  ): JobSteps {
    if (this.live?.jobId === job.id) return this.live.steps;
    const context: JobContext = {
      tenantId,
      job,
      adapter,
      records: tenant,
      vectors: this.runner,
      rawSamples: this.env.SAMPLES,
      backbones: () => isolatePool(this.env.ASSETS),
      stepFlops: jobStepFlops(this.env),
    };
    const steps = stepsFor(context, this.runner.checkpoint());
    this.live = { jobId: job.id, steps };
    return steps;
  }

  /** The step's checkpoint, or null to keep the stored one (see LARGE_CHECKPOINT_INTERVAL_MS). */
  private checkpointToWrite(steps: JobSteps, stepMs: number): Uint8Array | null {
    this.sinceCheckpointMs += stepMs;
    // A large checkpoint is not even encoded between two writes (encoding it costs a copy of it).
    if (this.largeCheckpoint && this.sinceCheckpointMs < LARGE_CHECKPOINT_INTERVAL_MS) return null;
    const bytes = encodeCheckpoint(steps.checkpoint());
    this.largeCheckpoint = bytes.length > SMALL_CHECKPOINT_BYTES;
    this.sinceCheckpointMs = 0;
    return bytes;
  }

  /** Hands the result to the tenant's object (which publishes it in one transaction), then stops. */
  private async finish(tenant: TenantStoreClient, run: RunRecord, job: JobRecord, steps: JobSteps) {
    const result = steps.result();
    try {
      if (result.kind === "head") unwrap(await tenant.publishHead(run.jobId, result.publication));
      else await tenant.finishSelection(run.jobId, result.report);
    } catch (error) {
      return this.fail(tenant, run, failureOf(error, job.kind));
    }
    await this.stop();
  }

  private async fail(tenant: TenantStoreClient, run: RunRecord, failure: Failure) {
    await tenant.failJob(run.jobId, failure);
    await this.stop();
  }

  private async stop(): Promise<void> {
    this.live = null;
    await this.runner.erase();
  }
}

/** Errors that another attempt would meet again: bad input, refused by a rule. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof HeadInputError ||
    error instanceof Problem ||
    error instanceof InputError ||
    error instanceof ImageError
  );
}

function stepStats({ steps, retries, maxStepMs, computeMs }: RunRecord) {
  return { steps, retries, maxStepMs, computeMs };
}
