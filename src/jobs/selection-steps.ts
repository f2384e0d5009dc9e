/**
 * A selection job in steps: for each candidate (backbone × cut layer), embed the retained raw samples
 * a chunk per step, cross-validate the logistic head on the embeddings in bounded steps, then compute
 * the training-free measures (LogME, prototype leave-one-out) in one step. The candidates' reports
 * accumulate in the checkpoint; the last step ranks them. Nothing about the adapter changes;
 * applying the result is a switch job.
 */

import {
  type CrossValidationCheckpoint,
  type CrossValidationInput,
  CrossValidationRun,
} from "../../adapters/selection";
import { resolveCutLayer } from "../../models/cut-layer";
import { fusionLayers, isFusionId } from "../../models/fusion";
import type { BackbonePool } from "../runtime/backbones";
import { type Candidate, candidateAvailability } from "../selection/candidates";
import { fusionCandidate } from "../selection/fusion-candidate";
import { crossValidationOf, transferability } from "../selection/measure-candidate";
import {
  type CandidateReport,
  describeCandidate,
  failedCandidate,
  labelsOf,
  selectionCandidates,
  selectionReport,
} from "../selection/select-backbone";
import type { JobProgress } from "../storage/jobs-table";
import type { AdapterRecord, JobOf } from "../storage/records";
import type { LabelledVector } from "../storage/runner-state";
import type { RawSampleRef } from "../storage/samples-table";
import { embedNextChunk } from "./embed-chunk";
import type { JobContext, JobResult, JobSteps } from "./job-steps";

interface SelectionCheckpoint {
  candidate: number;
  stage: "embed" | "cross-validate" | "score";
  crossValidation: CrossValidationCheckpoint | null;
  /** Backbone time spent embedding the current candidate so far. */
  embedMs: number;
  reports: CandidateReport[];
  /** Time spent in steps so far (the report's selectionMs). */
  computeMs: number;
}

export class SelectionSteps implements JobSteps {
  private state: SelectionCheckpoint;
  private refs: RawSampleRef[] | null = null;
  private cv: { candidate: string; run: CrossValidationRun } | null = null;
  private vectors: { candidate: string; input: CrossValidationInput } | null = null;
  /** The candidates, the same in every step (they follow from the deployment and the request). */
  private readonly candidateList: Candidate[];

  constructor(
    private readonly context: JobContext & { job: JobOf<"selection"> },
    resume: SelectionCheckpoint | null,
  ) {
    this.state = resume ?? {
      candidate: 0,
      stage: "embed",
      crossValidation: null,
      embedMs: 0,
      reports: [],
      computeMs: 0,
    };
    const pool = context.backbones();
    const modality = pool.modality(context.adapter.backbone);
    this.candidateList = selectionCandidates(pool, modality, context.job.request);
  }

  get done(): boolean {
    return this.candidateAt(this.state.candidate) === null;
  }

  /**
   * The single candidates, then the fusion of the two best of them (decided once they are all
   * measured, from their checkpointed reports, so every process picks the same one).
   */
  private candidateAt(index: number): Candidate | null {
    const single = this.candidateList[index];
    if (single) return single;
    if (index > this.candidateList.length) return null;
    return fusionCandidate(this.candidateList, this.state.reports);
  }

  get progress(): JobProgress {
    const { candidate, stage } = this.state;
    const current = this.candidateAt(candidate);
    const total = this.candidateList.length + 1;
    const embedded = current ? this.context.vectors.countVectors(current.id) : 0;
    const detail = {
      embed: `embedded ${embedded} samples`,
      "cross-validate": `cross-validated ${this.state.crossValidation?.perFold.length ?? 0} folds`,
      score: "LogME and prototype leave-one-out",
    }[stage];
    return {
      stage: "select",
      fraction: candidate / total,
      message: current ? `candidate ${candidate + 1}/${total} ${current.id}: ${detail}` : "ranking",
    };
  }

  async step(): Promise<void> {
    const started = performance.now();
    const candidate = this.candidateAt(this.state.candidate);
    if (!candidate) return;
    // Read in every process that runs a step, so the last step's report can count the samples.
    const refs = await this.samples();
    const pool = this.context.backbones();
    const available = candidateAvailability(candidate, pool.runtimes);
    try {
      if (!available.available) {
        this.next(describeCandidate(candidate, available, { status: "unavailable", error: null }));
      } else if (this.state.stage === "embed" && candidate.fusion) {
        this.state = {
          ...this.state,
          embedMs: this.fuseVectors(candidate, candidate.fusion),
          stage: "cross-validate",
        };
      } else if (this.state.stage === "embed") {
        const { embedded, embedMs } = await embedNextChunk(
          this.context,
          refs,
          candidate.id,
          candidate,
        );
        this.state = {
          ...this.state,
          embedMs: this.state.embedMs + embedMs,
          stage: embedded >= refs.length ? "cross-validate" : "embed",
        };
      } else if (this.state.stage === "cross-validate") {
        this.crossValidate(candidate);
      } else {
        const input = this.crossValidationInput(candidate);
        const { X, y, labels } = input;
        // The finished cross-validation: in memory, or from the checkpoint after a restart.
        const cv =
          this.cv?.run ?? new CrossValidationRun(input, this.state.crossValidation ?? undefined);
        const { embedMs } = this.state;
        const measured = {
          crossValidation: cv.result(),
          ...transferability(X, y, labels.length),
          latencyMsPerItem: embedMs / y.length,
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
    const samples = this.refs ?? [];
    return {
      kind: "report",
      report: selectionReport(
        {
          modality: pool.modality(adapter.backbone),
          current: { backbone: adapter.backbone, layer: currentLayer(pool, adapter) },
          samples,
        },
        labelsOf(samples),
        this.state.reports,
        this.state.computeMs,
      ),
    };
  }

  /** One bounded step of the candidate's cross-validation (the run stays in memory between steps). */
  private crossValidate(candidate: Candidate): void {
    if (this.cv?.candidate !== candidate.id) {
      const run = new CrossValidationRun(
        this.crossValidationInput(candidate),
        this.state.crossValidation ?? undefined,
      );
      this.cv = { candidate: candidate.id, run };
    }
    const { run } = this.cv;
    run.advance(this.context.stepFlops);
    this.state = {
      ...this.state,
      crossValidation: run.checkpoint(),
      stage: run.done ? "score" : "cross-validate",
    };
  }

  /** The candidate's embeddings as the cross-validation reads them (cached for its steps). */
  private crossValidationInput(candidate: Candidate): CrossValidationInput {
    if (this.vectors?.candidate !== candidate.id) {
      const vectors = this.context.vectors.readVectors(candidate.id);
      const labels = labelsOf(vectors);
      const classOf = new Map(labels.map((label, k) => [label, k]));
      const { folds, seed } = this.context.job.request;
      const input = crossValidationOf({
        backbone: candidate.fusion
          ? {
              id: candidate.backbone,
              weightsHash: candidate.fusion.fusion.weightsHash,
              dim: candidate.dim,
              blocks: candidate.fusion.fusion.blocks,
            }
          : {
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
      this.vectors = { candidate: candidate.id, input };
    }
    return this.vectors.input;
  }

  /**
   * A fusion's vectors: its parts' (already embedded, in the same sample order) side by side. Its
   * embedding time is theirs together, which makes its latency the sum of theirs.
   */
  private fuseVectors(candidate: Candidate, fusion: NonNullable<Candidate["fusion"]>): number {
    const [first, second] = fusion.parts.map((part) =>
      this.context.vectors.readVectors(part.id),
    ) as [LabelledVector[], LabelledVector[]];
    if (this.context.vectors.countVectors(candidate.id) === 0) {
      this.context.vectors.appendVectors(
        candidate.id,
        first.map((sample, i) => {
          const other = (second[i] as LabelledVector).vector;
          const vector = new Float32Array(sample.vector.length + other.length);
          vector.set(sample.vector);
          vector.set(other, sample.vector.length);
          return { ...sample, vector };
        }),
      );
    }
    const embedMsOf = (part: Candidate) =>
      this.state.reports.find((report) => report.id === part.id)?.metrics?.embedMs ?? 0;
    return fusion.parts.reduce((sum, part) => sum + embedMsOf(part), 0);
  }

  private next(report: CandidateReport): void {
    this.cv = null;
    this.vectors = null;
    this.state = {
      ...this.state,
      candidate: this.state.candidate + 1,
      stage: "embed",
      crossValidation: null,
      embedMs: 0,
      reports: [...this.state.reports, report],
    };
  }

  private async samples(): Promise<RawSampleRef[]> {
    this.refs ??= await this.context.records.rawSampleRefs(this.context.adapter.id);
    return this.refs;
  }
}

/** The adapter's cut layer as candidates name theirs (a fusion's: its parts' layers joined). */
function currentLayer(pool: BackbonePool, adapter: AdapterRecord): string {
  return isFusionId(adapter.backbone)
    ? fusionLayers(pool.fusion(adapter.backbone))
    : resolveCutLayer(pool.manifest(adapter.backbone), adapter.layer ?? undefined).name;
}
