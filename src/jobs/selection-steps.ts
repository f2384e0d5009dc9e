/**
 * A selection job: the selection process (src/selection/selection-run.ts) one step per alarm, over
 * the job runner's vector sets, embedding the adapter's retained raw samples (read back from R2) a
 * chunk per step, then, when asked, the top-unfrozen candidate on the runner's cut activations. Its
 * checkpoint is the process's. Nothing about the adapter changes; applying the result is a switch job.
 */

import { JOB_STEPS } from "../../adapters";
import { resolveCutLayer } from "../../models/cut-layer";
import { fusionLayers, isFusionId } from "../../models/fusion";
import type { BackbonePool } from "../runtime/backbones";
import type { Candidate } from "../selection/candidates";
import { latencySamples, layersTarget, timePass } from "../selection/embed-raw";
import type { FinetuneActivations } from "../selection/finetune-candidate";
import { selectionCandidates } from "../selection/select-backbone";
import { type SelectionPool, selectionPool } from "../selection/selection-pool";
import { SelectionProcess, type SelectionProcessCheckpoint } from "../selection/selection-process";
import { labelsOf } from "../selection/selection-report";
import type { JobProgress } from "../storage/jobs-table";
import type { AdapterRecord, JobOf } from "../storage/records";
import type { RawSampleRef } from "../storage/samples-table";
import { copyNextActivations, runnerActivationSource } from "./cut-activations-copy";
import { embedNextChunk } from "./embed-chunk";
import type { JobContext, JobResult, JobSteps } from "./job-steps";
import { readRetainedSamples } from "./retained-samples";

export class SelectionSteps implements JobSteps {
  private refs: SelectionPool<RawSampleRef> | null = null;
  private readonly run: SelectionProcess;
  private readonly candidates: Candidate[];

  constructor(
    private readonly context: JobContext & { job: JobOf<"selection"> },
    resume: SelectionProcessCheckpoint | null,
  ) {
    const pool = context.backbones();
    const modality = pool.modality(context.adapter.backbone);
    this.candidates = selectionCandidates(pool, modality, context.job.request);
    this.run = new SelectionProcess(
      {
        pool,
        vectors: context.vectors,
        stepFlops: context.stepFlops,
        activations: this.activations(),
        embedNextChunk: async (candidates) => {
          const refs = await this.samples();
          const sets = candidates.map((candidate) => candidate.id);
          const chunk = await embedNextChunk(context, refs, sets, layersTarget(candidates));
          return { done: chunk.embedded >= refs.length, embedMs: chunk.embedMs };
        },
        timePass: async (candidate, pass) => {
          const refs = latencySamples(await this.samples(), pass);
          const samples = await readRetainedSamples(context.rawSamples, refs, modality);
          const raws = samples.map((sample) => sample.raw);
          return timePass(pool, candidate, raws, pass);
        },
        measuredOn: async () => {
          const { samples, labels } = await this.pool();
          return { samples: samples.length, labels };
        },
      },
      context.job.request,
      this.candidates,
      resume,
      isFusionId(context.adapter.backbone) ? pool.fusion(context.adapter.backbone) : null,
    );
  }

  get done(): boolean {
    return this.run.done;
  }

  /** Selection keeps to JOB_STEPS by construction (selection-pool.ts sizes its pool for it). */
  readonly stepBudget = JOB_STEPS;

  get progress(): JobProgress {
    return { stage: "select", ...this.run.progress };
  }

  async step(): Promise<void> {
    // Read in every process that runs a step, so the last step's report can count the samples.
    await this.samples();
    await this.run.step();
  }

  checkpoint(): SelectionProcessCheckpoint {
    return this.run.checkpoint();
  }

  result(): JobResult {
    const { adapter } = this.context;
    const pool = this.context.backbones();
    const { samples, stored } = this.refs ?? { samples: [], stored: 0 };
    return {
      kind: "report",
      report: this.run.report(
        {
          modality: pool.modality(adapter.backbone),
          current: { backbone: adapter.backbone, layer: currentLayer(pool, adapter) },
          samples,
          stored,
        },
        labelsOf(samples),
      ),
    };
  }

  /**
   * The top-unfrozen candidate's activations in the runner, as a finetune training gets them: from
   * R2 under the candidate backbone's weights hash, or embedded again from the retained raw bytes.
   */
  private activations(): FinetuneActivations {
    const { context } = this;
    return {
      fillNext: (target) =>
        copyNextActivations(
          context,
          target.candidate.id,
          {
            ...context.adapter,
            backbone: target.backbone,
            layer: target.candidate.layer,
            weightsHash: target.manifest.weightsHash,
          },
          async () => new Map((await this.samples()).map((ref) => [ref.hash, ref])),
        ),
      source: (geometry) => runnerActivationSource(context.vectors, geometry),
    };
  }

  /**
   * The pool: drawn from the samples stored when the job was queued, so that every process of the
   * job (after an eviction, a deploy) measures the same ones whatever is uploaded meanwhile.
   */
  private async pool(): Promise<SelectionPool<RawSampleRef>> {
    const { records, adapter, job } = this.context;
    this.refs ??= selectionPool(
      await records.rawSampleRefs(adapter.id, job.createdAt),
      this.candidates,
      this.context.backbones().runtimes,
      job.request.seed ?? 0,
    );
    return this.refs;
  }

  private async samples(): Promise<RawSampleRef[]> {
    return (await this.pool()).samples;
  }
}

/** The adapter's cut layer as candidates name theirs (a fusion's: its parts' layers joined). */
function currentLayer(pool: BackbonePool, adapter: AdapterRecord): string {
  return isFusionId(adapter.backbone)
    ? fusionLayers(pool.fusion(adapter.backbone))
    : resolveCutLayer(pool.manifest(adapter.backbone), adapter.layer ?? undefined).name;
}
