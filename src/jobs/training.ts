/**
 * Training jobs, run inside the tenant's Durable Object: read the adapter's samples, train a head and
 * publish it as a new version (./publish-version.ts). Any failure marks the job failed with why and
 * leaves the active head alone.
 */

import { trainHead } from "../../adapters";
import { now } from "../storage/clock";
import type { JobOf, TrainRequest } from "../storage/records";
import { failureOf } from "./failure";
import { type PublishContext, publishVersion } from "./publish-version";

export type Trainer = typeof trainHead;

export interface TrainingContext extends PublishContext {
  /** The head trainer; the default is the real one from adapters/. */
  train?: Trainer;
}

export async function runTrainingJob(
  context: TrainingContext,
  job: JobOf<"training">,
): Promise<void> {
  const { state, train = trainHead } = context;
  state.jobs.start(job.id, now());
  try {
    const adapter = state.adapters.get(job.adapterId);
    const { head, report } = await train({
      headType: job.request.headType ?? adapter.headType,
      backbone: { id: adapter.backbone, weightsHash: adapter.weightsHash, dim: adapter.dim },
      samples: state.samples.trainingSet(adapter.id),
      options: trainingOptions(job.request),
      // The protocol yields after each report, so polls and predictions' auth get served meanwhile.
      onProgress: (progress) => state.jobs.progress(job.id, progress),
    });
    await publishVersion(context, job, { head, report, activate: job.request.activate === true });
  } catch (error) {
    state.jobs.fail(job.id, failureOf(error, job.kind), now());
  }
}

function trainingOptions({ headType: _, activate: __, ...options }: TrainRequest) {
  return options;
}
