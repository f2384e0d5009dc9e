/**
 * A whole selection as one process of bounded steps: the candidates' ranking (./selection-run.ts),
 * then, when the request includes it, the top-unfrozen candidate (./finetune-candidate.ts). The job
 * and the in-process selectBackbone both drive this, so both report the same.
 */

import type { Fusion } from "../../models/fusion";
import type { Candidate } from "./candidates";
import {
  type FinetuneActivations,
  type FinetuneCandidateCheckpoint,
  type FinetuneCandidateReport,
  FinetuneCandidateRun,
} from "./finetune-candidate";
import type { SelectionContext, SelectionReport, SelectionRequest } from "./selection-report";
import { type SelectionCheckpoint, SelectionRun, type SelectionWorkspace } from "./selection-run";

export interface SelectionProcessCheckpoint {
  selection: SelectionCheckpoint;
  finetune: FinetuneCandidateCheckpoint | null;
}

/** The ranked report, and frozen against top unfrozen when the request asked for it. */
export type SelectionProcessReport = SelectionReport & { finetune: FinetuneCandidateReport | null };

export class SelectionProcess {
  private readonly ranking: SelectionRun;
  private readonly finetune: FinetuneCandidateRun | null;

  constructor(
    workspace: SelectionWorkspace & { activations: FinetuneActivations },
    request: SelectionRequest,
    candidates: Candidate[],
    resume: SelectionProcessCheckpoint | null,
    /** The adapter's fusion, ranked too when it is on one (null: one backbone). */
    currentFusion: Fusion | null,
  ) {
    this.ranking = new SelectionRun(
      workspace,
      request,
      candidates,
      resume?.selection ?? null,
      currentFusion,
    );
    this.finetune = request.includeFinetune
      ? new FinetuneCandidateRun(workspace, request, resume?.finetune ?? null)
      : null;
  }

  get done(): boolean {
    return this.ranking.done && (this.finetune?.done ?? true);
  }

  /** The ranking's progress, then the top-unfrozen candidate's: it takes as long or longer. */
  get progress(): { fraction: number; message: string } {
    const ranking = this.ranking.progress;
    if (!this.finetune) return ranking;
    if (!this.ranking.done) return { ...ranking, fraction: ranking.fraction / 2 };
    const { fraction, message } = this.finetune.progress;
    return { fraction: 0.5 + fraction / 2, message };
  }

  async step(): Promise<void> {
    if (!this.ranking.done) return this.ranking.step();
    await this.finetune?.step(this.ranking.candidates, this.ranking.reports);
  }

  checkpoint(): SelectionProcessCheckpoint {
    return { selection: this.ranking.checkpoint(), finetune: this.finetune?.checkpoint() ?? null };
  }

  report(context: SelectionContext, labels: string[]): SelectionProcessReport {
    return { ...this.ranking.report(context, labels), finetune: this.finetune?.report() ?? null };
  }
}
