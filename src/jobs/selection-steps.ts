/**
 * A selection job in steps: for each candidate (backbone × cut layer), embed the retained raw samples
 * a chunk per step, then score the embeddings in one step (cross-validated logistic head, LogME,
 * prototype leave-one-out). The candidates' reports accumulate in the checkpoint; the last step ranks
 * them. Nothing about the adapter changes; applying the result is a switch job.
 */

import { resolveCutLayer } from "../../models/cut-layer";
import { availability } from "../selection/candidates";
import { scoreEmbeddings } from "../selection/measure-candidate";
import {
  type CandidateReport,
  describeCandidate,
  failedCandidate,
  labelsOf,
  selectionCandidates,
  selectionReport,
} from "../selection/select-backbone";
import type { JobProgress } from "../storage/jobs-table";
import type { JobOf } from "../storage/records";
import type { RawSampleRef } from "../storage/samples-table";
import { embedNextChunk } from "./embed-chunk";
import type { JobContext, JobResult, JobSteps } from "./job-steps";

interface SelectionCheckpoint {
  candidate: number;
  stage: "embed" | "score";
  /** Backbone time spent embedding the current candidate so far. */
  embedMs: number;
  reports: CandidateReport[];
  /** Time spent in steps so far (the report's selectionMs). */
  computeMs: number;
}

export class SelectionSteps implements JobSteps {
  private state: SelectionCheckpoint;
  private refs: RawSampleRef[] | null = null;

  constructor(
    private readonly context: JobContext & { job: JobOf<"selection"> },
    resume: SelectionCheckpoint | null,
  ) {
    this.state = resume ?? { candidate: 0, stage: "embed", embedMs: 0, reports: [], computeMs: 0 };
  }

  get done(): boolean {
    return this.state.candidate >= this.candidates().length;
  }

  get progress(): JobProgress {
    const candidates = this.candidates();
    const { candidate, stage } = this.state;
    const current = candidates[candidate];
    const embedded = current ? this.context.vectors.countVectors(current.id) : 0;
    const detail = stage === "embed" ? `embedded ${embedded} samples` : "scoring";
    return {
      stage: "select",
      fraction: candidate / Math.max(1, candidates.length),
      message: current
        ? `candidate ${candidate + 1}/${candidates.length} ${current.id}: ${detail}`
        : "ranking",
    };
  }

  async step(): Promise<void> {
    const started = performance.now();
    const candidate = this.candidates()[this.state.candidate];
    if (!candidate) return;
    // Read in every process that runs a step, so the last step's report can count the samples.
    const refs = await this.samples();
    const pool = this.context.backbones();
    const available = availability(candidate.manifest, pool.runtimes);
    try {
      if (!available.available) {
        this.next(describeCandidate(candidate, available, { status: "unavailable", error: null }));
      } else if (this.state.stage === "embed") {
        const { embedded, embedMs } = await embedNextChunk(this.context, refs, candidate.id, {
          manifest: candidate.manifest,
          layer: candidate.layer,
        });
        this.state = {
          ...this.state,
          embedMs: this.state.embedMs + embedMs,
          stage: embedded >= refs.length ? "score" : "embed",
        };
      } else {
        const vectors = this.context.vectors.readVectors(candidate.id);
        const labels = labelsOf(vectors);
        const classOf = new Map(labels.map((label, k) => [label, k]));
        const { folds, seed } = this.context.job.request;
        const scores = await scoreEmbeddings({
          backbone: {
            id: candidate.backbone,
            weightsHash: candidate.manifest.weightsHash,
            dim: candidate.dim,
          },
          vectors: vectors.map((sample) => sample.vector),
          y: Int32Array.from(vectors, (sample) => classOf.get(sample.label) as number),
          labels,
          folds,
          seed,
        });
        const { embedMs } = this.state;
        const measured = {
          ...scores,
          latencyMsPerItem: embedMs / vectors.length,
          embedMs,
          wasmHeapBytes: pool.wasmHeapBytes(),
        };
        this.next(
          describeCandidate(candidate, available, { status: "measured", error: null }, measured),
        );
      }
    } catch (error) {
      this.next(failedCandidate(candidate, available, error));
    }
    this.state.computeMs += performance.now() - started;
  }

  checkpoint(): SelectionCheckpoint {
    return this.state;
  }

  result(): JobResult {
    const { adapter } = this.context;
    const pool = this.context.backbones();
    const manifest = pool.manifest(adapter.backbone);
    const samples = this.refs ?? [];
    return {
      kind: "report",
      report: selectionReport(
        {
          modality: manifest.modality,
          current: {
            backbone: adapter.backbone,
            layer: resolveCutLayer(manifest, adapter.layer ?? undefined).name,
          },
          samples,
        },
        labelsOf(samples),
        this.state.reports,
        this.state.computeMs,
      ),
    };
  }

  private next(report: CandidateReport): void {
    this.state = {
      ...this.state,
      candidate: this.state.candidate + 1,
      stage: "embed",
      embedMs: 0,
      reports: [...this.state.reports, report],
    };
  }

  private candidates() {
    const pool = this.context.backbones();
    const { modality } = pool.manifest(this.context.adapter.backbone);
    return selectionCandidates(pool, modality, this.context.job.request);
  }

  private async samples(): Promise<RawSampleRef[]> {
    this.refs ??= await this.context.records.rawSampleRefs(this.context.adapter.id);
    return this.refs;
  }
}
