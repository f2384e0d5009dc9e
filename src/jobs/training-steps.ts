/**
 * A training job in steps: copy the adapter's samples into the runner, a page per step, then train.
 * The head trains on the samples as they were when the job was queued: the pages take only samples
 * stored by then, and the tenant's object refuses deletions while the job is live.
 */

import type { TrainingCheckpoint } from "../../adapters";
import { headBackbone } from "../storage/embedding-space";
import type { JobProgress } from "../storage/jobs-table";
import type { JobOf, TrainRequest } from "../storage/records";
import { FinetuneTraining, type FinetuneTrainingCheckpoint } from "./finetune-training";
import { HeadTraining, TRAINING_SET } from "./head-training";
import type { JobContext, JobResult, JobSteps } from "./job-steps";

/** Samples copied per step: ~1.8 MB of 1792-d float32 embeddings, well under an RPC message's limit. */
const SNAPSHOT_PAGE = 256;

interface TrainingJobCheckpoint {
  stage: "snapshot" | "train";
  training: TrainingCheckpoint | FinetuneTrainingCheckpoint | null;
}

export class TrainingSteps implements JobSteps {
  private stage: TrainingJobCheckpoint["stage"];
  private readonly training: HeadTraining | FinetuneTraining;

  constructor(
    private readonly context: JobContext & { job: JobOf<"training"> },
    resume: TrainingJobCheckpoint | null,
  ) {
    const { adapter, job } = context;
    this.stage = resume?.stage ?? "snapshot";
    const headType = job.request.headType ?? adapter.headType;
    const input = {
      backbone: headBackbone(adapter),
      options: trainingOptions(job.request),
      activate: job.request.activate === true,
    };
    const training = resume?.training ?? null;
    this.training =
      headType === "finetune"
        ? new FinetuneTraining(context, input, training as FinetuneTrainingCheckpoint | null)
        : new HeadTraining(context, { ...input, headType }, training as TrainingCheckpoint | null);
  }

  get done(): boolean {
    return this.training.done;
  }

  get stepBudget(): number {
    return this.training.stepBudget;
  }

  get progress(): JobProgress {
    if (this.stage === "train") return this.training.progress;
    const copied = this.context.vectors.countVectors(TRAINING_SET);
    return { stage: "snapshot", fraction: 0.02, message: `read ${copied} samples` };
  }

  async step(): Promise<void> {
    if (this.stage === "train") return this.training.step();
    const { vectors, records, adapter, job } = this.context;
    // The last hash copied is the cursor: it is stored with the copy, so a retried page is not doubled.
    const after = vectors.lastVectorHash(TRAINING_SET);
    const page = await records.trainingPage(adapter.id, after, job.createdAt, SNAPSHOT_PAGE);
    vectors.appendVectors(
      TRAINING_SET,
      page.map((sample) => ({ label: sample.label, hash: sample.hash, vector: sample.features })),
    );
    if (page.length < SNAPSHOT_PAGE) this.stage = "train";
  }

  checkpoint(): TrainingJobCheckpoint {
    return { stage: this.stage, training: this.training.checkpoint() };
  }

  result(): JobResult {
    return this.training.result();
  }
}

/** The head protocol's options of a training request (without its head type and activation). */
export function trainingOptions({ headType: _, activate: __, ...options }: TrainRequest) {
  return options;
}
