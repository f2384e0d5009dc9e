import { decodeCheckpoint } from "../../adapters";
import type { JobOf } from "../storage/records";
import type { JobContext, JobSteps } from "./job-steps";
import { SelectionSteps } from "./selection-steps";
import { SwitchSteps } from "./switch-steps";
import { TrainingSteps } from "./training-steps";

/** The job's steps, continuing from its last checkpoint when there is one. */
export function stepsFor(context: JobContext, checkpoint: Uint8Array | null): JobSteps {
  const resume = checkpoint && decodeCheckpoint<never>(checkpoint);
  const { job } = context;
  switch (job.kind) {
    case "training":
      return new TrainingSteps({ ...context, job: job as JobOf<"training"> }, resume);
    case "switch":
      return new SwitchSteps({ ...context, job: job as JobOf<"switch"> }, resume);
    case "selection":
      return new SelectionSteps({ ...context, job: job as JobOf<"selection"> }, resume);
  }
}
