/**
 * A switch job in steps: embed the retained raw samples with the target backbone a chunk per step,
 * send the embeddings to the tenant's object a page per step (held there apart), train a head on
 * them, and finish by publishing: one transaction there replaces the stored embeddings, rebinds the adapter and activates
 * the new version. Until then nothing changes, so a failed or cancelled switch leaves the adapter
 * serving its old head on its old backbone.
 */

import type { TrainingCheckpoint } from "../../adapters";
import { Problem } from "../problem";
import { embedTarget } from "../selection/embed-raw";
import { headBackbone } from "../storage/embedding-space";
import type { JobProgress } from "../storage/jobs-table";
import type { JobOf } from "../storage/records";
import type { RawSampleRef } from "../storage/samples-table";
import { embedNextChunk } from "./embed-chunk";
import { HeadTraining, TRAINING_SET } from "./head-training";
import type { JobContext, JobResult, JobSteps } from "./job-steps";

/** Embeddings sent to the tenant's object per step. */
const STAGE_PAGE = 256;

interface SwitchCheckpoint {
  stage: "embed" | "stage" | "train";
  /** Embeddings already sent (stage "stage"). */
  staged: number;
  training: TrainingCheckpoint | null;
}

export class SwitchSteps implements JobSteps {
  private state: Omit<SwitchCheckpoint, "training">;
  private readonly training: HeadTraining;
  private refs: RawSampleRef[] | null = null;

  constructor(
    private readonly context: JobContext & { job: JobOf<"switch"> },
    resume: SwitchCheckpoint | null,
  ) {
    const target = context.job.request;
    this.state = { stage: resume?.stage ?? "embed", staged: resume?.staged ?? 0 };
    this.training = new HeadTraining(
      context,
      {
        // A finetune adapter gets the frozen head a finetune starts from; its next training tunes the
        // new backbone's top (if it has one), embedding the cut again from the raw bytes.
        headType: context.adapter.headType === "finetune" ? "logistic" : context.adapter.headType,
        backbone: headBackbone({ ...target, blocks: target.blocks ?? null }),
        options: target.seed === undefined ? {} : { seed: target.seed },
        activate: true,
      },
      resume?.training ?? null,
    );
  }

  get done(): boolean {
    return this.training.done;
  }

  get stepBudget(): number {
    return this.training.stepBudget;
  }

  get progress(): JobProgress {
    const { backbone, layer } = this.context.job.request;
    const embedded = this.context.vectors.countVectors(TRAINING_SET);
    switch (this.state.stage) {
      case "embed":
        return {
          stage: "embed",
          fraction: 0.4 * (embedded / Math.max(1, this.refs?.length ?? embedded)),
          message: `embedded ${embedded} samples with ${layer === null ? backbone : `${backbone}/${layer}`}`,
        };
      case "stage":
        return { stage: "store", fraction: 0.4, message: `stored ${this.state.staged} embeddings` };
      default: {
        const { stage, fraction, message } = this.training.progress;
        return { stage, fraction: 0.4 + 0.6 * fraction, message };
      }
    }
  }

  async step(): Promise<void> {
    switch (this.state.stage) {
      case "embed":
        return this.embed();
      case "stage":
        return this.stageEmbeddings();
      default:
        return this.training.step();
    }
  }

  checkpoint(): SwitchCheckpoint {
    return { ...this.state, training: this.training.checkpoint() };
  }

  result(): JobResult {
    return this.training.result();
  }

  private async embed(): Promise<void> {
    const target = this.context.job.request;
    const served = this.context.backbones().served(target.backbone);
    if (served.weightsHash !== target.weightsHash) {
      throw new Problem(
        409,
        "backbone-changed",
        `${target.backbone} now serves other weights than the ones this switch was asked for`,
      );
    }
    this.refs ??= await this.context.records.rawSampleRefs(this.context.adapter.id);
    const { embedded } = await embedNextChunk(
      this.context,
      this.refs,
      [TRAINING_SET],
      embedTarget(target.backbone, target.layer, served.inputs),
    );
    if (embedded >= this.refs.length) this.state = { ...this.state, stage: "stage" };
  }

  private async stageEmbeddings(): Promise<void> {
    const { staged } = this.state;
    const page = this.context.vectors.readVectors(TRAINING_SET, staged, STAGE_PAGE);
    await this.context.records.stageEmbeddings(
      this.context.job.id,
      page.map(({ hash, vector }) => ({ hash, vector })),
    );
    const total = this.context.vectors.countVectors(TRAINING_SET);
    this.state = {
      stage: staged + page.length >= total ? "train" : "stage",
      staged: staged + page.length,
    };
  }
}
