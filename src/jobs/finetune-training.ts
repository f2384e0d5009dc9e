/**
 * The training stage of a "finetune" head (adapters' FinetuneRun), after the training job's snapshot:
 *
 * 1. cut: the snapshot's activations at the backbone's cut into the runner, a page per step
 *    (./cut-activations-copy.ts): read from R2 (kept when the samples were uploaded), or, for samples
 *    uploaded before the adapter trained a finetune head, computed again from their retained raw
 *    bytes and kept in R2 for the next training.
 * 2. train: FinetuneRun advanced by about stepFlops per step. Its mini-batches are read from the
 *    runner's SQLite a few samples at a time (synchronous reads), so the activations are never all
 *    in memory; its checkpoint (the top's weights and Adam moments: megabytes) is stored by the
 *    runner in parts, like an MLP's.
 *
 * The result is the finetune head, or, when no finetuned top clearly beat the frozen head on
 * validation (FinetuneRun's rule), the head a logistic training of the same samples gives
 * (FinetuneTrainingRun); either is published as a version like any head.
 */

import {
  FinetuneTrainingRun,
  type FinetuneTrainingRunCheckpoint,
  finetuneRunOptions,
  JOB_STEPS,
} from "../../adapters";
import { readTopWeights } from "../../models/trainable-top";
import { cutGeometry } from "../storage/cut-activations";
import type { JobProgress } from "../storage/jobs-table";
import type { RawSampleRef } from "../storage/samples-table";
import { adapterBackbone } from "../tenants/adapter-backbone";
import { finetuneTop } from "../tenants/finetune-top";
import { copyNextActivations, runnerActivationSource } from "./cut-activations-copy";
import { type HeadTrainingInput, TRAINING_SET } from "./head-training";
import type { JobContext, JobResult } from "./job-steps";

export interface FinetuneTrainingCheckpoint {
  stage: "cut" | "train";
  run: FinetuneTrainingRunCheckpoint | null;
}

export class FinetuneTraining {
  private stage: FinetuneTrainingCheckpoint["stage"];
  private run: FinetuneTrainingRun | null = null;
  private refs: Map<string, RawSampleRef> | null = null;

  constructor(
    private readonly context: JobContext,
    private readonly input: Omit<HeadTrainingInput, "headType">,
    private resume: FinetuneTrainingCheckpoint | null,
  ) {
    this.stage = resume?.stage ?? "cut";
  }

  get done(): boolean {
    return this.run?.done ?? false;
  }

  /** A finetune's fits have no worst case of their own: the job's steps. */
  readonly stepBudget = JOB_STEPS;

  get progress(): JobProgress {
    const { vectors } = this.context;
    if (this.stage === "cut") {
      const filled = vectors.countActivations();
      const total = Math.max(1, vectors.countVectors(TRAINING_SET));
      return {
        stage: "embed",
        fraction: 0.02 + 0.18 * (filled / total),
        message: `activations at the cut: ${filled} of ${total} samples`,
      };
    }
    if (!this.run) return { stage: "split", fraction: 0.2, message: "preparing" };
    const { stage, fraction, message } = this.run.progress;
    return { stage, fraction: 0.2 + 0.8 * fraction, message };
  }

  async step(): Promise<void> {
    if (this.stage === "cut") return this.copyActivations();
    return this.train();
  }

  checkpoint(): FinetuneTrainingCheckpoint {
    return { stage: this.stage, run: this.run?.checkpoint() ?? this.resume?.run ?? null };
  }

  result(): JobResult {
    if (!this.run) throw new Error("finetune training: not run");
    // The report's headType says which of the two was published: "finetune" or "logistic".
    const { kind, head, report } = this.run.result();
    return {
      kind: "head",
      publication: {
        head: head.serialize(),
        headType: kind,
        report,
        activate: this.input.activate,
      },
    };
  }

  private top() {
    const pool = this.context.backbones();
    // Refused (409) if the backbone now serves other weights than the samples were embedded with.
    adapterBackbone(pool, this.context.adapter);
    const { manifest, top } = finetuneTop(pool, this.context.adapter);
    return { pool, manifest, top, geometry: cutGeometry(manifest, top) };
  }

  private async copyActivations(): Promise<void> {
    this.top();
    const { adapter, records } = this.context;
    const done = await copyNextActivations(this.context, TRAINING_SET, adapter, async () => {
      this.refs ??= new Map((await records.rawSampleRefs(adapter.id)).map((r) => [r.hash, r]));
      return this.refs;
    });
    if (done) this.stage = "train";
  }

  private async train(): Promise<void> {
    this.run ??= await this.startRun();
    this.run.advance(this.context.stepFlops);
  }

  /**
   * The run, resumed from the checkpoint if there is one. The samples and the checkpoint go with
   * this call's frame (the run keeps what it needs of them: a second copy of a fit's weights and
   * moments would be megabytes).
   */
  private async startRun(): Promise<FinetuneTrainingRun> {
    const { pool, manifest, geometry } = this.top();
    const top = await readTopWeights(pool.files(manifest.id), manifest);
    const samples = () =>
      this.context.vectors.readVectors(TRAINING_SET).map((sample) => ({
        features: sample.vector,
        label: sample.label,
        hash: sample.hash,
      }));
    const run = new FinetuneTrainingRun(
      {
        backbone: this.input.backbone,
        top,
        samples,
        source: runnerActivationSource(this.context.vectors, geometry),
        options: finetuneRunOptions(this.input.options),
      },
      this.resume?.run ?? undefined,
    );
    this.resume = null;
    return run;
  }
}
