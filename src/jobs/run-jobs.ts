import type { JobRecord } from "../storage/records";
import type { BackboneJobContext } from "./backbone-jobs";
import { runSelectionJob } from "./selection";
import { runSwitchJob } from "./switch-backbone";
import { runTrainingJob } from "./training";

/** Runs queued jobs one after another until none is left (called from the object's alarm). */
export async function runQueuedJobs(context: BackboneJobContext): Promise<void> {
  for (let job = context.state.jobs.nextQueued(); job; job = context.state.jobs.nextQueued()) {
    await runJob(context, job);
  }
}

function runJob(context: BackboneJobContext, job: JobRecord): Promise<void> {
  switch (job.kind) {
    case "training":
      return runTrainingJob(context, job);
    case "selection":
      return runSelectionJob(context, job);
    case "switch":
      return runSwitchJob(context, job);
  }
}
