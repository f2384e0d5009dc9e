/** Labelled vector sets in memory: an in-process selection's workspace (the job's are SQLite tables). */

import type { LabelledVector } from "../storage/runner-state";
import type { VectorSets } from "./selection-run";

export class MemoryVectorSets implements VectorSets {
  private readonly sets = new Map<string, LabelledVector[]>();

  appendVectors(set: string, vectors: LabelledVector[]): void {
    this.sets.set(set, [...this.readVectors(set), ...vectors]);
  }

  countVectors(set: string): number {
    return this.readVectors(set).length;
  }

  readVectors(set: string): LabelledVector[] {
    return this.sets.get(set) ?? [];
  }
}
