/**
 * A selection as a process of bounded steps, the one code path of every selection: the API's job
 * (src/jobs/selection-steps.ts, one step per alarm, samples read back from R2) and the in-process
 * selectBackbone (tests, bench/selection) drive it over their own workspace. For each candidate
 * (backbone × cut layer): embed the samples a chunk per step, time its layer alone, cross-validate
 * the logistic head in steps of about `stepFlops`, then LogME and prototype leave-one-out in one
 * step. The passes that embed a candidate also embed the later candidates on the same network (its
 * other cut layers), so each network runs over the samples once. After the single candidates come
 * the fusion of the two best of them that read different tensors and the adapter's own fusion, if
 * it is on one (./fusion-candidate.ts), from their vectors.
 * The state is plain data, so a new process continues from a checkpoint exactly.
 */

import { deduplicate } from "../../adapters";
import {
  type CrossValidationCheckpoint,
  CrossValidationRun,
  DEFAULT_FOLDS,
} from "../../adapters/selection";
import type { Fusion } from "../../models/fusion";
import type { BackbonePool } from "../runtime/backbones";
import type { LabelledVector } from "../storage/runner-state";
import { backboneRefOf, type Candidate, candidateAvailability } from "./candidates";
import { latencyPasses } from "./embed-raw";
import { fusionCandidates } from "./fusion-candidate";
import { crossValidationOf, type SelectionInput, transferability } from "./measure-candidate";
import { overTrainingBudget } from "./selection-pool";
import {
  type CandidateReport,
  describeCandidate,
  failedCandidate,
  labelsOf,
  type SelectionContext,
  type SelectionReport,
  type SelectionRequest,
  selectionReport,
} from "./selection-report";

/** Labelled vector sets by name: the job runner's SQLite tables, or memory (./memory-vectors.ts). */
export interface VectorSets {
  appendVectors(set: string, vectors: LabelledVector[]): void;
  countVectors(set: string): number;
  readVectors(set: string): LabelledVector[];
}

/** Where a selection keeps its vectors and how it reaches the samples. */
export interface SelectionWorkspace {
  pool: BackbonePool;
  vectors: VectorSets;
  /** Head fitting per step, in floating-point operations. */
  stepFlops: number;
  /**
   * Embeds the next chunk of the samples with the candidates (cut layers of one network, one pass
   * for all) into the vector sets named by their ids, which hold the same samples so far; `done`
   * once they hold every sample. Backbone time only (warm-up excluded).
   */
  embedNextChunk(candidates: Candidate[]): Promise<{ done: boolean; embedMs: number }>;
  /** Timing pass `pass` of the candidate's layer alone: backbone time per item (./embed-raw.ts). */
  timePass(candidate: Candidate, pass: number): Promise<{ msPerItem: number; embedMs: number }>;
  /** The pool's size (./selection-pool.ts): every candidate is measured on these samples. */
  measuredOn(): Promise<{ samples: number; labels: number }>;
}

export interface SelectionCheckpoint {
  candidate: number;
  stage: "embed" | "time" | "cross-validate" | "score";
  crossValidation: CrossValidationCheckpoint | null;
  /** Backbone time spent on the current candidate so far (a shared pass counts for the first). */
  embedMs: number;
  /** The current candidate's timing passes so far, per item. */
  latencyPasses?: number[];
  /** The current candidate's, once timed (a checkpoint from before timing had none). */
  latencyMsPerItem?: number;
  reports: CandidateReport[];
  /** Time spent in steps so far (the report's selectionMs). */
  computeMs: number;
}

export class SelectionRun {
  private state: SelectionCheckpoint;
  private cv: { candidate: string; run: CrossValidationRun } | null = null;
  private vectors: { candidate: string; input: SelectionInput } | null = null;
  /** The pool's size, once a step has read it (for the progress within a candidate). */
  private poolSize: number | null = null;
  /** The single candidates, the same in every process (they follow from the deployment and the request). */
  readonly candidates: Candidate[];

  constructor(
    private readonly workspace: SelectionWorkspace,
    private readonly request: SelectionRequest,
    candidates: Candidate[],
    resume: SelectionCheckpoint | null = null,
    /** The adapter's fusion, measured too when it is on one (null: one backbone). */
    private readonly currentFusion: Fusion | null = null,
  ) {
    this.candidates = candidates;
    this.state = resume ?? {
      candidate: 0,
      stage: "embed",
      crossValidation: null,
      embedMs: 0,
      reports: [],
      computeMs: 0,
    };
  }

  get done(): boolean {
    return this.candidateAt(this.state.candidate) === null;
  }

  /** The candidates' reports so far, in the order they were measured (the fusions last). */
  get reports(): CandidateReport[] {
    return this.state.reports;
  }

  /**
   * The single candidates, then the fusions: the two best of them that read different tensors, and
   * the adapter's own (decided once the singles are all measured, from their checkpointed reports,
   * so every process picks the same ones).
   */
  candidateAt(index: number): Candidate | null {
    const single = this.candidates[index];
    if (single) return single;
    const fusions = fusionCandidates(
      this.candidates,
      this.state.reports,
      this.workspace.pool.runtimes,
      this.currentFusion,
    );
    return fusions[index - this.candidates.length] ?? null;
  }

  get progress(): { fraction: number; message: string } {
    const { candidate, stage } = this.state;
    const current = this.candidateAt(candidate);
    // The fusions to come: the best two's, and the adapter's own when it is on one.
    const total = this.candidates.length + (this.currentFusion ? 2 : 1);
    const embedded = current ? this.workspace.vectors.countVectors(current.id) : 0;
    const detail = {
      embed: `embedded ${embedded} samples`,
      time: `timing its layer alone (pass ${(this.state.latencyPasses?.length ?? 0) + 1})`,
      "cross-validate": `cross-validated ${this.state.crossValidation?.perFold.length ?? 0} folds`,
      score: "LogME and prototype leave-one-out",
    }[stage];
    return {
      fraction: (candidate + this.withinCandidate(current)) / total,
      message: current ? `candidate ${candidate + 1}/${total} ${current.id}: ${detail}` : "ranking",
    };
  }

  /**
   * How far the current candidate is, from 0 to 1, so that the fraction moves within a candidate
   * too: the first one on a network embeds the pool for its later layers as well, the longest part
   * of a selection. Embedding is half of it, timing and cross-validation most of the rest.
   */
  private withinCandidate(current: Candidate | null): number {
    if (!current) return 0;
    const { stage } = this.state;
    if (stage === "embed") {
      const embedded = this.workspace.vectors.countVectors(current.id);
      return this.poolSize ? 0.5 * Math.min(1, embedded / this.poolSize) : 0;
    }
    if (stage === "time") return 0.5;
    if (stage === "score") return 0.95;
    const cv = this.cv?.candidate === current.id ? this.cv.run : null;
    return 0.55 + (cv ? (0.4 * cv.roundsDone) / cv.rounds : 0);
  }

  /** One bounded step; a candidate that fails is reported as failed and the next one follows. */
  async step(): Promise<void> {
    const started = performance.now();
    const candidate = this.candidateAt(this.state.candidate);
    if (!candidate) return;
    const available = await this.measurable(candidate);
    try {
      if (!available.available) {
        this.next(describeCandidate(candidate, available, { status: "unavailable", error: null }));
      } else if (this.state.stage === "embed" && candidate.fusion) {
        this.state = { ...this.state, ...this.fuseVectors(candidate, candidate.fusion) };
      } else if (this.state.stage === "embed") {
        await this.embed(candidate);
      } else if (this.state.stage === "time") {
        await this.time(candidate);
      } else if (this.state.stage === "cross-validate") {
        this.crossValidate(candidate);
      } else {
        this.next(
          describeCandidate(
            candidate,
            available,
            { status: "measured", error: null },
            this.measurement(candidate),
          ),
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

  /** The ranked report, once done. */
  report(context: SelectionContext, labels: string[]): SelectionReport {
    const foldsAsked = this.request.folds ?? DEFAULT_FOLDS;
    return selectionReport(
      { ...context, foldsAsked },
      labels,
      this.state.reports,
      this.state.computeMs,
    );
  }

  /** Whether the deployment can run the candidate and its cross-validation fits the training budget. */
  private async measurable(candidate: Candidate) {
    const available = candidateAvailability(candidate, this.workspace.pool.runtimes);
    if (!available.available) return available;
    const pool = await this.workspace.measuredOn();
    this.poolSize = pool.samples;
    const overBudget = overTrainingBudget(candidate, pool);
    return overBudget ? { ...available, available: false, reasons: [overBudget] } : available;
  }

  /** The finished candidate's measures: its cross-validation, LogME, prototype LOO, latency. */
  private measurement(candidate: Candidate) {
    const input = this.crossValidationInput(candidate);
    const { X, y, labels } = input;
    // The finished cross-validation: in memory, or from the checkpoint after a restart.
    const cv =
      this.cv?.run ?? new CrossValidationRun(input, this.state.crossValidation ?? undefined);
    const { embedMs } = this.state;
    return {
      crossValidation: cv.result(),
      ...transferability(X, y, labels.length),
      latencyMsPerItem:
        this.state.latencyMsPerItem ?? embedMs / this.workspace.vectors.countVectors(candidate.id),
      embedMs,
      wasmHeapBytes: this.workspace.pool.wasmHeapBytes(),
    };
  }

  /**
   * One chunk of the candidate's samples, embedded in passes that also embed the later candidates on
   * its network; none when an earlier candidate's passes embedded them all.
   */
  private async embed(candidate: Candidate): Promise<void> {
    const { samples } = await this.workspace.measuredOn();
    if (this.workspace.vectors.countVectors(candidate.id) >= samples) return this.time(candidate);
    const { done, embedMs } = await this.embedChunk(candidate);
    this.state = {
      ...this.state,
      embedMs: this.state.embedMs + embedMs,
      stage: done ? "time" : "embed",
    };
  }

  /**
   * The next chunk, for the later candidates on the network too. If that pass fails it is embedded
   * again for this candidate alone, so that a later layer's failure is not reported as this one's:
   * its sets then fall behind, which keeps them out of this candidate's next passes, and the later
   * candidate meets its own failure on its own turn.
   */
  private async embedChunk(candidate: Candidate): Promise<{ done: boolean; embedMs: number }> {
    const shared = await this.sharedPass(candidate);
    if (shared.length === 1) return this.workspace.embedNextChunk(shared);
    try {
      return await this.workspace.embedNextChunk(shared);
    } catch {
      return this.workspace.embedNextChunk([candidate]);
    }
  }

  /** The candidate and the later ones on the same network whose vector sets are as far along. */
  private async sharedPass(candidate: Candidate): Promise<Candidate[]> {
    const { vectors } = this.workspace;
    const embedded = vectors.countVectors(candidate.id);
    const riders: Candidate[] = [];
    for (const later of this.candidates.slice(this.state.candidate + 1)) {
      if (later.backbone !== candidate.backbone) continue;
      if (vectors.countVectors(later.id) !== embedded) continue;
      if ((await this.measurable(later)).available) riders.push(later);
    }
    return [candidate, ...riders];
  }

  /** One timing pass of its layer alone; its latency is the fastest pass (./embed-raw.ts). */
  private async time(candidate: Candidate): Promise<void> {
    const passes = this.state.latencyPasses ?? [];
    const { msPerItem, embedMs } = await this.workspace.timePass(candidate, passes.length);
    const timed = [...passes, msPerItem];
    const { samples } = await this.workspace.measuredOn();
    const done = timed.length >= latencyPasses(samples);
    this.state = {
      ...this.state,
      embedMs: this.state.embedMs + embedMs,
      latencyPasses: done ? undefined : timed,
      latencyMsPerItem: done ? Math.min(...timed) : undefined,
      stage: done ? "cross-validate" : "time",
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
    run.advance(this.workspace.stepFlops);
    this.state = {
      ...this.state,
      crossValidation: run.checkpoint(),
      stage: run.done ? "score" : "cross-validate",
    };
  }

  /**
   * The candidate's embeddings as the cross-validation reads them (cached for its steps),
   * deduplicated as training deduplicates them: samples this candidate cannot tell apart are one
   * point, not one in a train fold and another in the test fold.
   */
  private crossValidationInput(candidate: Candidate): SelectionInput {
    if (this.vectors?.candidate !== candidate.id) {
      const stored = this.workspace.vectors.readVectors(candidate.id);
      const vectors = deduplicate(
        stored.map((sample) => ({ features: sample.vector, label: sample.label })),
      ).samples;
      const labels = labelsOf(vectors);
      const classOf = new Map(labels.map((label, k) => [label, k]));
      const input = crossValidationOf({
        backbone: backboneRefOf(candidate),
        vectors: vectors.map((sample) => sample.features),
        y: Int32Array.from(vectors, (sample) => classOf.get(sample.label) as number),
        labels,
        folds: this.request.folds,
        seed: this.request.seed,
      });
      this.vectors = { candidate: candidate.id, input };
    }
    return this.vectors.input;
  }

  /**
   * A fusion's vectors: its parts' (already embedded, in the same sample order) side by side. Its
   * embedding time is theirs added up; its latency too for two networks, which run one after the
   * other, and the slower part's for two layers of one network, which one pass serves.
   */
  private fuseVectors(
    candidate: Candidate,
    fusion: NonNullable<Candidate["fusion"]>,
  ): Pick<SelectionCheckpoint, "stage" | "embedMs" | "latencyMsPerItem"> {
    const { vectors } = this.workspace;
    if (vectors.countVectors(candidate.id) === 0) {
      const [first, second] = fusion.parts.map((part) => vectors.readVectors(part.id)) as [
        LabelledVector[],
        LabelledVector[],
      ];
      vectors.appendVectors(
        candidate.id,
        first.map((sample, i) => ({
          ...sample,
          vector: concatenated(sample.vector, (second[i] as LabelledVector).vector),
        })),
      );
    }
    const metricsOf = (part: Candidate) =>
      this.state.reports.find((report) => report.id === part.id)?.metrics;
    const [first, second] = fusion.parts.map(metricsOf);
    const latencies = [first?.latencyMsPerItem ?? 0, second?.latencyMsPerItem ?? 0] as const;
    const oneNetwork = fusion.parts[0].backbone === fusion.parts[1].backbone;
    return {
      stage: "cross-validate",
      embedMs: (first?.embedMs ?? 0) + (second?.embedMs ?? 0),
      latencyMsPerItem: oneNetwork ? Math.max(...latencies) : latencies[0] + latencies[1],
    };
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
      latencyPasses: undefined,
      latencyMsPerItem: undefined,
      reports: [...this.state.reports, report],
    };
  }
}

/** Two parts' vectors of one sample, side by side: the fusion's vector (models/fusion.ts order). */
export function concatenated(first: Float32Array, second: Float32Array): Float32Array {
  const vector = new Float32Array(first.length + second.length);
  vector.set(first);
  vector.set(second, first.length);
  return vector;
}
