/**
 * The samples a selection measures its candidates on. A candidate's cross-validation holds its
 * embeddings of every pool sample, so the pool must fit the training budget (adapters/
 * training-budget.ts) at the widest candidate: a fusion of the two widest single candidates. A
 * larger adapter is measured on a seeded stratified subsample of that size; ranking backbones needs
 * far fewer samples than serving them, and embedding fewer also bounds the job's time.
 */

import {
  stratifiedSubsample,
  TRAINING_BUDGET,
  trainingSamplesAllowed,
  trainingValues,
} from "../../adapters";
import type { Candidate } from "./candidates";
import { labelsOf } from "./selection-report";

export interface SelectionPool<T> {
  samples: T[];
  /** The samples it was drawn from (more than `samples.length` when subsampled). */
  stored: number;
}

export function selectionPool<T extends { label: string }>(
  stored: T[],
  candidates: readonly Pick<Candidate, "dim">[],
  seed: number,
): SelectionPool<T> {
  const labels = labelsOf(stored);
  const allowed = trainingSamplesAllowed({ labels: labels.length }, widestCandidate(candidates));
  if (stored.length <= allowed) return { samples: stored, stored: stored.length };
  const classOf = new Map(labels.map((label, k) => [label, k]));
  const y = Int32Array.from(stored, (sample) => classOf.get(sample.label) as number);
  const kept = stratifiedSubsample(y, labels.length, allowed, seed);
  return { samples: Array.from(kept, (i) => stored[i] as T), stored: stored.length };
}

/** The dimension of the widest candidate a selection may measure: the two widest fused. */
function widestCandidate(candidates: readonly Pick<Candidate, "dim">[]): number {
  const [first = 0, second = 0] = candidates.map((c) => c.dim).sort((a, b) => b - a);
  return first + second;
}

/** Why a candidate cannot be cross-validated on this pool within the training budget, or null. */
export function overTrainingBudget(
  candidate: Pick<Candidate, "dim">,
  pool: { samples: number; labels: number },
): string | null {
  const values = trainingValues(pool.samples, pool, candidate.dim);
  if (values <= TRAINING_BUDGET.values) return null;
  return `cross-validating ${pool.samples} samples of ${pool.labels} labels at ${candidate.dim} dimensions would hold ${values} training values, over the ${TRAINING_BUDGET.values} a training may hold within a Worker's 128 MB`;
}
