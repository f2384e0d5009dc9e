/**
 * Runs training jobs inside the tenant's Durable Object: read the adapter's samples, train a head,
 * write it to KV under a new immutable version, then record it (and activate it if it is the first
 * or the job asked). Any failure marks the job failed with why and leaves the active head alone.
 */

import { HeadInputError, trainHead } from "../../adapters";
import { Problem } from "../problem";
import { now } from "../storage/clock";
import { headKey, writeActivePointer, writeHeadVersion } from "../storage/heads";
import type { JobRecord, TrainRequest } from "../storage/records";
import type { TenantState } from "../storage/tenant-state";

export type Trainer = typeof trainHead;

export interface TrainingContext {
  state: TenantState;
  heads: KVNamespace;
  tenantId: string;
  /** The head trainer; the default is the real one from adapters/. */
  train?: Trainer;
}

/** Runs queued jobs one after another until none is left (called from the object's alarm). */
export async function runQueuedJobs(context: TrainingContext): Promise<void> {
  for (let job = context.state.jobs.nextQueued(); job; job = context.state.jobs.nextQueued()) {
    await runTrainingJob(context, job);
  }
}

export async function runTrainingJob(context: TrainingContext, job: JobRecord): Promise<void> {
  const { state } = context;
  state.jobs.start(job.id, now());
  try {
    const version = await trainAndStore(context, job);
    if (version.activated) {
      await writeActivePointer(context.heads, context.tenantId, job.adapterId, version.number);
    }
  } catch (error) {
    state.jobs.fail(job.id, failureOf(error), now());
  }
}

async function trainAndStore(context: TrainingContext, job: JobRecord) {
  const { state, heads, tenantId, train = trainHead } = context;
  const adapter = state.adapters.get(job.adapterId);
  const headType = job.request.headType ?? adapter.headType;
  const { head, report } = await train({
    headType,
    backbone: { id: adapter.backbone, weightsHash: adapter.weightsHash, dim: adapter.dim },
    samples: state.samples.trainingSet(adapter.id),
    options: trainingOptions(job.request),
    // The protocol yields after each report, so polls and predictions' auth get served meanwhile.
    onProgress: (progress) => state.jobs.progress(job.id, progress),
  });

  const number = state.adapters.reserveVersion(adapter.id);
  const key = headKey(tenantId, adapter.id, number);
  const bytes = head.serialize();
  await writeHeadVersion(heads, { key, bytes, report, headType });

  const activated = state.transaction(() => {
    // Re-read: the adapter may have been rolled back or deleted while the head was training.
    const current = state.adapters.get(adapter.id);
    state.versions.add({
      adapterId: adapter.id,
      version: number,
      jobId: job.id,
      headType,
      headKey: key,
      headBytes: bytes.byteLength,
      report,
      createdAt: now(),
    });
    const activate = job.request.activate === true || current.activeVersion === null;
    if (activate) state.adapters.activate(adapter.id, number);
    state.jobs.succeed(job.id, number, now());
    return activate;
  });
  return { number, activated };
}

function trainingOptions({ headType: _, activate: __, ...options }: TrainRequest) {
  return options;
}

function failureOf(error: unknown): { code: string; detail: string } {
  if (error instanceof HeadInputError) return { code: error.code, detail: error.message };
  if (error instanceof Problem) return { code: error.slug, detail: error.detail };
  console.error("training failed", error);
  const detail = error instanceof Error ? error.message : String(error);
  return { code: "training-failed", detail };
}
