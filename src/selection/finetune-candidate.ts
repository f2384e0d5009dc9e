/**
 * A selection's top-unfrozen candidate (request `includeFinetune`). Training a top costs minutes
 * where a logistic fit costs seconds (bench/results/finetune.md: 32–44 s per 1,000 samples per
 * epoch), so it is measured only when asked, and on one backbone: once the single candidates are
 * measured, the leading one (by cross-validated macro-F1) whose backbone declares a trainable top
 * that this deployment can train, at the top's output layer. Its steps:
 *
 * 1. cut: the candidate's samples' activations at the top's cut into the workspace, a page per
 *    step, the way a finetune training gets them (src/jobs/cut-activations-copy.ts in the job).
 * 2. cross-validate: FinetuneCrossValidationRun, about stepFlops a step, on the frozen head's
 *    first repeat of folds.
 * 3. the comparison of frozen and top unfrozen, by the tie rule (./head-comparison.ts).
 *
 * A failure is reported (status "failed") and leaves the rest of the selection's report intact.
 */

import { type CutActivationSource, JOB_STEPS, type TrainOptions } from "../../adapters";
import {
  type FinetuneCrossValidationCheckpoint,
  FinetuneCrossValidationRun,
} from "../../adapters/selection";
import type { BackboneManifest } from "../../models";
import { isFusionId } from "../../models/fusion";
import { readTopWeights } from "../../models/trainable-top";
import { Problem } from "../problem";
import type { BackbonePool } from "../runtime/backbones";
import { type CutGeometry, cutGeometry } from "../storage/cut-activations";
import { backbonesWithTop, type FinetuneTop, trainableTopOf } from "../tenants/finetune-top";
import { availabilityHere, type Candidate } from "./candidates";
import { compareHeads, type HeadComparison } from "./head-comparison";
import type { CandidateReport, SelectionRequest } from "./selection-report";
import type { VectorSets } from "./selection-run";

/**
 * The finetune protocol's options in selection: one top learning rate and one L2-SP strength, the
 * bench's (3e-5 lowered validation loss steadily; 1e-4 and 1e-3 made it worse from the first epoch;
 * L2-SP 1e-3 and 1e-2 gave the same epochs), and at most 6 epochs, so a round costs one fit.
 */
export const SELECTION_FINETUNE_HYPERPARAMETERS = {
  learningRateGrid: [3e-5],
  l2spGrid: [0.01],
  maxEpochs: 6,
  patience: 2,
  batchSize: 16,
} as const;

/** Repeats of the folds measured: the first of the frozen head's, to bound the cost. */
export const FINETUNE_REPEATS = 1;

/**
 * Job steps the candidate may take: a third of a job's (JOB_STEPS), the rest being
 * the ranking's. A step trains one mini-batch (one is far above JOB_STEP_FLOPS), so the steps grow
 * with the samples; past this the candidate is reported not measured rather than failing the job.
 */
export const FINETUNE_MAX_STEPS = JOB_STEPS / 3;

/** Raw samples one step embeds again to the cut, at worst (src/jobs/cut-activations-copy.ts). */
const CUT_EMBED_CHUNK = 4;

/**
 * Steps the candidate needs at most: per round, each epoch's mini-batches over the train folds and
 * chunks over the validation fold (epoch 0's too), then the test fold; and the cut at worst
 * embedded again. The frozen fit's few steps are left out.
 */
export function finetuneStepsEstimate(samples: number, folds: number): number {
  const { batchSize, maxEpochs } = SELECTION_FINETUNE_HYPERPARAMETERS;
  const fold = Math.ceil(samples / folds);
  const batches = (count: number) => Math.ceil(count / batchSize);
  const round = maxEpochs * batches(samples - 2 * fold) + (maxEpochs + 2) * batches(fold);
  return FINETUNE_REPEATS * folds * round + Math.ceil(samples / CUT_EMBED_CHUNK);
}

/** The candidate measured with its top unfrozen, and the backbone (runtime variant) that trains it. */
export interface FinetuneTarget extends FinetuneTop {
  candidate: Candidate;
  backbone: string;
}

/** Where the candidate's cut activations come from and are kept: the runner's SQLite, or memory. */
export interface FinetuneActivations {
  /** Fills the next page of the target's activations, in its vector set's order; true once all are there. */
  fillNext(target: FinetuneTarget): Promise<boolean>;
  source(geometry: CutGeometry): CutActivationSource;
}

export interface FinetuneCandidateReport {
  /** The candidate measured with its top unfrozen; null when no measured candidate has one. */
  candidate: string | null;
  backbone: string | null;
  status: "measured" | "failed" | "not-measured";
  error: string | null;
  comparison: HeadComparison | null;
  /** Time spent in its steps: the cut activations and the cross-validation (not in selectionMs). */
  computeMs: number;
}

export interface FinetuneCandidateCheckpoint {
  stage: "choose" | "cut" | "cross-validate" | "done";
  target: { candidate: string; backbone: string } | null;
  crossValidation: FinetuneCrossValidationCheckpoint | null;
  report: Omit<FinetuneCandidateReport, "computeMs"> | null;
  computeMs: number;
}

export interface FinetuneWorkspace {
  pool: BackbonePool;
  vectors: VectorSets;
  stepFlops: number;
  activations: FinetuneActivations;
}

export class FinetuneCandidateRun {
  private state: FinetuneCandidateCheckpoint;
  private run: FinetuneCrossValidationRun | null = null;

  constructor(
    private readonly workspace: FinetuneWorkspace,
    private readonly request: SelectionRequest,
    resume: FinetuneCandidateCheckpoint | null,
  ) {
    this.state = resume ?? {
      stage: "choose",
      target: null,
      crossValidation: null,
      report: null,
      computeMs: 0,
    };
  }

  get done(): boolean {
    return this.state.stage === "done";
  }

  get progress(): { fraction: number; message: string } {
    const name = this.state.target?.candidate ?? "";
    if (this.state.stage === "cut") {
      return { fraction: 0.05, message: `top unfrozen ${name}: activations at the cut` };
    }
    const inner = this.run?.progress;
    return {
      fraction: 0.1 + 0.9 * (inner?.fraction ?? 0),
      message: `top unfrozen ${name}: ${inner?.message ?? "choosing the candidate"}`,
    };
  }

  report(): FinetuneCandidateReport | null {
    const { report, computeMs } = this.state;
    return report && { ...report, computeMs };
  }

  checkpoint(): FinetuneCandidateCheckpoint {
    return { ...this.state, crossValidation: this.run?.checkpoint() ?? this.state.crossValidation };
  }

  /** One bounded step, once the selection's single candidates are measured (`reports`). */
  async step(candidates: Candidate[], reports: CandidateReport[]): Promise<void> {
    const started = performance.now();
    const target = this.state.target;
    try {
      if (this.state.stage === "choose") {
        this.choose(candidates, reports);
      } else if (this.state.stage === "cut" && target) {
        const filled = await this.workspace.activations.fillNext(this.targetOf(target, candidates));
        if (filled) this.state = { ...this.state, stage: "cross-validate" };
      } else if (this.state.stage === "cross-validate" && target) {
        await this.crossValidate(this.targetOf(target, candidates));
      }
    } catch (error) {
      this.finish("failed", null, error instanceof Error ? error.message : String(error));
    }
    this.state.computeMs += performance.now() - started;
  }

  private choose(candidates: Candidate[], reports: CandidateReport[]): void {
    const target = leadingTarget(this.workspace.pool, candidates, reports);
    if (!target) {
      this.finish(
        "not-measured",
        null,
        "no measured candidate has a trainable top this deployment can train",
      );
      return;
    }
    const samples = this.workspace.vectors.countVectors(target.candidate.id);
    const folds = reports.find((r) => r.id === target.candidate.id)?.metrics?.folds ?? 0;
    const steps = finetuneStepsEstimate(samples, folds);
    if (steps > FINETUNE_MAX_STEPS) {
      this.state = {
        ...this.state,
        target: { candidate: target.candidate.id, backbone: target.backbone },
      };
      this.finish(
        "not-measured",
        null,
        `training the top on ${folds} folds of ${samples} samples would take about ${steps} job steps, over the ${FINETUNE_MAX_STEPS} a selection gives it; train the adapter with headType "finetune" instead: its validation split keeps the frozen head unless the finetuned top beats it`,
      );
      return;
    }
    this.state = {
      ...this.state,
      stage: "cut",
      target: { candidate: target.candidate.id, backbone: target.backbone },
    };
  }

  private async crossValidate(target: FinetuneTarget): Promise<void> {
    if (!this.run) {
      const { pool, vectors, activations } = this.workspace;
      const samples = vectors.readVectors(target.candidate.id).map((sample) => ({
        features: sample.vector,
        label: sample.label,
        hash: sample.hash,
      }));
      const options: TrainOptions = {
        seed: this.request.seed,
        hyperparameters: { ...SELECTION_FINETUNE_HYPERPARAMETERS },
      };
      this.run = new FinetuneCrossValidationRun(
        {
          backbone: {
            id: target.backbone,
            weightsHash: target.manifest.weightsHash,
            dim: target.candidate.dim,
          },
          top: await readTopWeights(pool.files(target.manifest.id), target.manifest),
          samples,
          source: activations.source(cutGeometry(target.manifest, target.top)),
          options,
          folds: this.request.folds,
          seed: this.request.seed,
          repeats: FINETUNE_REPEATS,
        },
        this.state.crossValidation ?? undefined,
      );
    }
    this.run.advance(this.workspace.stepFlops);
    if (this.run.done) this.finish("measured", compareHeads(this.run.result()), null);
  }

  private finish(
    status: FinetuneCandidateReport["status"],
    comparison: HeadComparison | null,
    error: string | null,
  ): void {
    const { target, computeMs } = this.state;
    this.run = null;
    this.state = {
      stage: "done",
      target,
      crossValidation: null,
      computeMs,
      report: {
        candidate: target?.candidate ?? null,
        backbone: target?.backbone ?? null,
        status,
        error,
        comparison,
      },
    };
  }

  private targetOf(
    target: NonNullable<FinetuneCandidateCheckpoint["target"]>,
    candidates: Candidate[],
  ): FinetuneTarget {
    const candidate = candidates.find((c) => c.id === target.candidate);
    const top =
      candidate && trainableTopOf(this.workspace.pool, bindingOf(candidate, target.backbone));
    if (!candidate || !top)
      throw new Error(`${target.candidate}: no longer a candidate with a top`);
    return { ...top, candidate, backbone: target.backbone };
  }
}

function bindingOf(candidate: Candidate, backbone: string) {
  return { backbone, layer: candidate.layer };
}

/** The candidate's runtime variant that can train its top here (a tfjs one, at the top's output). */
export function topVariant(pool: BackbonePool, candidate: Candidate): FinetuneTarget | null {
  if (isFusionId(candidate.backbone)) return null;
  for (const { backbone } of candidate.runtimes) {
    const found = trainableTopOf(pool, bindingOf(candidate, backbone));
    if (found && availabilityHere(found.manifest, pool).available) {
      return { ...found, candidate, backbone };
    }
  }
  return null;
}

/** The measured single candidate with the highest macro-F1 among those with a top. */
function leadingTarget(
  pool: BackbonePool,
  candidates: Candidate[],
  reports: CandidateReport[],
): FinetuneTarget | null {
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  const measured = reports
    .filter((report) => report.metrics !== null && byId.has(report.id))
    .sort(
      (a, b) =>
        (b.metrics?.crossValidatedMacroF1.mean ?? 0) - (a.metrics?.crossValidatedMacroF1.mean ?? 0),
    );
  for (const report of measured) {
    const target = topVariant(pool, byId.get(report.id) as Candidate);
    if (target) return target;
  }
  return null;
}

/**
 * Refuses (422 no-trainable-top) a selection asked to measure a top-unfrozen candidate when none of
 * its candidates has a top this deployment can train, naming the backbones that have one.
 */
export function assertFinetuneCandidate(
  pool: BackbonePool,
  candidates: Candidate[],
  modality: BackboneManifest["modality"],
): void {
  if (candidates.some((candidate) => topVariant(pool, candidate))) return;
  const able = backbonesWithTop(pool);
  throw new Problem(
    422,
    "no-trainable-top",
    `includeFinetune measures a candidate with its top unfrozen, but none of the ${modality} backbones this selection ranks (${[...new Set(candidates.map((c) => c.backbone))].join(", ") || "none"}) has a trainable top this deployment can train; backbones that can: ${able.join(", ")}`,
    { backbones: able },
  );
}
