import type { Bindings } from "../env";
import type { JobRunner } from "./job-runner";

/** The runner object of a job: one per job, named by the job's id. */
export function jobRunner(env: Bindings, jobId: string): DurableObjectStub<JobRunner> {
  return env.JOB_RUNNERS.getByName(jobId);
}
