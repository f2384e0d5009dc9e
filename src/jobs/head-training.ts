/**
 * The training stage shared by training and switch jobs: the head protocol (adapters' TrainingRun)
 * on the job's working set of vectors, advanced one bounded step at a time.
 */

import {
  type BackboneRef,
  type HeadType,
  type TrainingCheckpoint,
  TrainingRun,
  type TrainOptions,
  trainingStepBudget,
} from "../../adapters";
import type { JobProgress } from "../storage/jobs-table";
import type { JobContext, JobResult } from "./job-steps";

/** The vector set a job trains on: a training's snapshot of the samples, a switch's new embeddings. */
export const TRAINING_SET = "train";

export interface HeadTrainingInput {
  headType: HeadType;
  backbone: BackboneRef;
  options: TrainOptions;
  activate: boolean;
}

export class HeadTraining {
  private run: TrainingRun | null = null;

  constructor(
    private readonly context: JobContext,
    private readonly input: HeadTrainingInput,
    private readonly resume: TrainingCheckpoint | null,
  ) {}

  get done(): boolean {
    return this.run?.done ?? false;
  }

  get progress(): JobProgress {
    return this.run?.progress ?? { stage: "split", fraction: 0.05, message: "preparing" };
  }

  /** JOB_STEPS until the run is built (its first step), then trainingStepBudget of its fits' bound. */
  get stepBudget(): number {
    return trainingStepBudget(this.run?.flopsBound ?? null, this.context.stepFlops);
  }

  step(): void {
    this.run ??= new TrainingRun(
      {
        headType: this.input.headType,
        backbone: this.input.backbone,
        options: this.input.options,
        samples: this.context.vectors.readVectors(TRAINING_SET).map((sample) => ({
          features: sample.vector,
          label: sample.label,
          hash: sample.hash,
        })),
      },
      this.resume ?? undefined,
    );
    this.run.advance(this.context.stepFlops);
  }

  checkpoint(): TrainingCheckpoint | null {
    return this.run?.checkpoint() ?? this.resume;
  }

  result(): JobResult {
    if (!this.run) throw new Error("head training: not run");
    const { head, report } = this.run.result();
    return {
      kind: "head",
      publication: {
        head: head.serialize(),
        headType: head.headType,
        report,
        activate: this.input.activate,
      },
    };
  }
}
