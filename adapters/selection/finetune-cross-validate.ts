/**
 * A candidate's "top unfrozen" variant measured on the folds its frozen logistic head is
 * cross-validated on (crossValidationRoundSplit: the same samples, seed and folds give the very same
 * rounds). Each round runs the finetune protocol (FinetuneRun) on the round's split: the frozen
 * logistic head, then the top and a classifier trained together with early stopping on the round's
 * validation fold, the finetuned top kept only where it beats the frozen head there. Both heads are
 * scored on the round's test fold, so the two variants are paired fold by fold. As a process of
 * bounded steps, resumable from its checkpoint.
 */

import {
  FinetuneRun,
  type FinetuneRunCheckpoint,
  type FinetuneRunInput,
} from "../finetune/finetune-run";
import { classIndices } from "../protocol/class-indices";
import { deduplicate } from "../protocol/deduplicate";
import type { Assessment } from "../protocol/held-out-assessment";
import type { TrainProgress } from "../types";
import { crossValidationRoundSplit, type FoldScores, foldsFor } from "./cross-validate";

export interface FinetuneCrossValidationInput extends Omit<FinetuneRunInput, "split"> {
  /** As the frozen head's cross-validation was given them (foldsFor lowers k alike). */
  folds?: number;
  seed?: number;
  /** Repeats of the k folds measured: the first ones of the frozen head's. */
  repeats: number;
}

/** One round: the frozen head and the finetune protocol's head on the round's test fold. */
export interface FinetuneRound {
  frozen: FoldScores;
  /** What the finetune protocol gives: the finetuned top, or the frozen head where validation kept it. */
  topUnfrozen: FoldScores;
  /** Whether validation kept a finetuned top in this round. */
  finetuned: boolean;
  frozenHeadBytes: number;
  /** The stored finetune head (int8 top + classifier), when one was kept. */
  finetuneHeadBytes: number | null;
  /** Compute time of the round's whole protocol (its frozen fit included). */
  fitMs: number;
}

export interface FinetuneCrossValidationCheckpoint {
  rounds: FinetuneRound[];
  run: FinetuneRunCheckpoint | null;
}

export class FinetuneCrossValidationRun {
  readonly folds: number;
  private readonly finished: FinetuneRound[];
  private run: FinetuneRun | null = null;
  private resumeRun: FinetuneRunCheckpoint | null;
  private readonly labelled: { y: Int32Array; labels: string[] };

  constructor(
    private readonly input: FinetuneCrossValidationInput,
    resume?: FinetuneCrossValidationCheckpoint,
  ) {
    const { labels, y, counts } = classIndices(deduplicate(input.samples).samples);
    this.labelled = { y, labels };
    this.folds = foldsFor(counts, input.folds);
    this.finished = resume?.rounds ?? [];
    this.resumeRun = resume?.run ?? null;
  }

  get rounds(): number {
    return this.folds * this.input.repeats;
  }

  get done(): boolean {
    return this.finished.length === this.rounds;
  }

  get progress(): TrainProgress {
    const done = this.finished.length;
    const inner = this.run?.progress;
    return {
      stage: "sweep",
      fraction: (done + (inner?.fraction ?? 0)) / this.rounds,
      message: `fold ${Math.min(done + 1, this.rounds)}/${this.rounds}: ${inner?.message ?? "starting"}`,
    };
  }

  /** Trains until about `flops` are spent or a round ends; returns the flops spent. */
  advance(flops: number): number {
    if (this.done) return 0;
    this.run ??= this.roundRun();
    const spent = this.run.advance(flops);
    if (this.run.done) {
      this.finished.push(roundOf(this.run));
      this.run = null;
    }
    return spent;
  }

  checkpoint(): FinetuneCrossValidationCheckpoint {
    return { rounds: [...this.finished], run: this.run?.checkpoint() ?? this.resumeRun };
  }

  /** `samples`: the distinct samples cross-validated (after deduplication). */
  result(): { folds: number; repeats: number; rounds: FinetuneRound[]; samples: number } {
    if (!this.done) throw new Error("finetune cross-validation: not finished");
    return {
      folds: this.folds,
      repeats: this.input.repeats,
      rounds: this.finished,
      samples: this.labelled.y.length,
    };
  }

  private roundRun(): FinetuneRun {
    const split = crossValidationRoundSplit(
      { ...this.labelled, seed: this.input.seed },
      this.folds,
      this.finished.length,
    );
    const run = new FinetuneRun({ ...this.input, split }, this.resumeRun ?? undefined);
    this.resumeRun = null;
    return run;
  }
}

function roundOf(run: FinetuneRun): FinetuneRound {
  const result = run.result();
  const scores = ({ evaluation }: Assessment): FoldScores => ({
    accuracy: evaluation.metrics.accuracy,
    macroF1: evaluation.metrics.macro.f1,
  });
  const finetuned = result.kind === "finetune";
  return {
    frozen: scores(result.frozenAssessment),
    topUnfrozen: scores(result.report),
    finetuned,
    frozenHeadBytes: result.frozenHead.length,
    finetuneHeadBytes: finetuned ? result.report.serializedBytes : null,
    fitMs: result.report.fitTimeMs,
  };
}
