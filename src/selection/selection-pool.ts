/**
 * The samples a selection measures its candidates on: at most SELECTION_MAX_SAMPLES, and what the
 * training budget (adapters/training-budget.ts) allows at the widest candidate it may measure, a
 * single one or the widest fusion it could build (each candidate's cross-validation holds its
 * embeddings of the whole pool). A larger adapter is measured on a seeded stratified subsample of
 * that size.
 */

import {
  stratifiedSubsample,
  TRAINING_BUDGET,
  trainingSamplesAllowed,
  trainingValues,
} from "../../adapters";
import type { BackboneRuntime } from "../../models/manifest";
import { type Candidate, candidateAvailability } from "./candidates";
import { widestFusionDim } from "./fusion-candidate";

/**
 * Ranking backbones needs far fewer samples than serving them: on 1,000 samples an accuracy's
 * standard error is about 1 pt (√(p(1 − p)/n) at p = 0.85), the tie rule's floor, while every sample costs
 * each image candidate a forward pass (about 250 ms: 1,000 images take 25 minutes over six
 * candidates) and a selection job's steps (JOB_STEPS) must cover them.
 */
export const SELECTION_MAX_SAMPLES = 1_000;

export interface SelectionPool<T> {
  samples: T[];
  /** Distinct labels among them (every stored label: each keeps at least one sample). */
  labels: number;
  /** The samples it was drawn from (more than `samples.length` when subsampled). */
  stored: number;
}

export function selectionPool<T extends { label: string }>(
  stored: T[],
  candidates: Candidate[],
  carried: readonly BackboneRuntime[],
  seed: number,
): SelectionPool<T> {
  const classOf = new Map<string, number>();
  for (const { label } of stored) if (!classOf.has(label)) classOf.set(label, classOf.size);
  const allowed = Math.min(
    SELECTION_MAX_SAMPLES,
    trainingSamplesAllowed({ labels: classOf.size }, widestCandidate(candidates, carried)),
  );
  const labels = classOf.size;
  if (stored.length <= allowed) return { samples: stored, labels, stored: stored.length };
  const y = Int32Array.from(stored, (sample) => classOf.get(sample.label) as number);
  const kept = stratifiedSubsample(y, classOf.size, allowed, seed);
  return { samples: Array.from(kept, (i) => stored[i] as T), labels, stored: stored.length };
}

/** The dimension of the widest candidate a selection may measure, single or fused. */
function widestCandidate(candidates: Candidate[], carried: readonly BackboneRuntime[]): number {
  const measurable = candidates.filter((c) => candidateAvailability(c, carried).available);
  return Math.max(0, ...measurable.map((c) => c.dim), widestFusionDim(measurable, carried));
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
