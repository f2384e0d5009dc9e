/**
 * The fusions a selection ranks next to the single backbones: the two best measured candidates (by
 * cross-validated macro-F1) that read different tensors and can be fused and served together here,
 * and the adapter's own fusion when it is on one, both built from the vectors the selection already
 * has (no second embedding). A fusion's cost is its parts' together: the latencies add up, and so do
 * the weights and wasm heaps a deployment must hold (fusionAvailability).
 */

import { type Fusion, fuse, fusionLayers, isFusionId } from "../../models/fusion";
import { InputError } from "../../models/input-error";
import type { BackboneRuntime } from "../../models/manifest";
import { type Candidate, candidateAvailability } from "./candidates";
import type { CandidateReport } from "./selection-report";

/**
 * The fusions to measure once the single candidates are: the best two's, and the adapter's own
 * (`current`, null for an adapter on one backbone) when its parts are among the candidates, so that
 * selection can keep it unless another candidate is clearly better, as it keeps a single backbone.
 * One fusion when the best two are the adapter's own parts: the adapter's, under its own id.
 */
export function fusionCandidates(
  candidates: Candidate[],
  reports: CandidateReport[],
  carried: readonly BackboneRuntime[],
  current: Fusion | null,
): Candidate[] {
  const best = fusionCandidate(candidates, reports, carried);
  const own = current ? currentFusionCandidate(candidates, current) : null;
  if (!own) return best ? [best] : [];
  return best && !sameParts(best, own) ? [best, own] : [own];
}

function fusionCandidate(
  candidates: Candidate[],
  reports: CandidateReport[],
  carried: readonly BackboneRuntime[],
): Candidate | null {
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  const measured = reports
    .filter((report) => report.metrics !== null && !isFusionId(report.backbone))
    .sort((a, b) => meanMacroF1(b) - meanMacroF1(a))
    .flatMap((report) => byId.get(report.id) ?? []);
  return fusions(measured, carried).next().value ?? null;
}

/**
 * The dimension of the widest fusion a selection over these candidates could build (0 if none):
 * its pool must fit the training budget at that width, before it knows which two will be best.
 */
export function widestFusionDim(
  candidates: Candidate[],
  carried: readonly BackboneRuntime[],
): number {
  let widest = 0;
  for (const fused of fusions(candidates, carried)) widest = Math.max(widest, fused.dim);
  return widest;
}

/** The fusions of two of `ordered`, in its order, that read different tensors and fit here. */
function* fusions(
  ordered: Candidate[],
  carried: readonly BackboneRuntime[],
): Generator<Candidate, void> {
  for (const [i, first] of ordered.entries()) {
    for (const second of ordered.slice(i + 1)) {
      if (sameTensor(first, second)) continue;
      const fused = fusedCandidate(first, second);
      if (fused && candidateAvailability(fused, carried).available) yield fused;
    }
  }
}

/**
 * Whether the two are poolings of one tensor of one network (block16's global average and its
 * grids): each is close to a linear function of the other, so their fusion adds dimensions, not
 * information. Held out, the fusions this rule chose instead scored 0.6 pt higher on average over the
 * selection benchmark's and development tasks (bench/results/selection.md).
 */
function sameTensor(first: Candidate, second: Candidate): boolean {
  const node = nodeOf(first);
  return first.manifest.id === second.manifest.id && node !== undefined && node === nodeOf(second);
}

/** The graph node the candidate's layer reads; none for a layer unknown to its manifest. */
function nodeOf({ manifest, layer }: Candidate): string | undefined {
  return manifest.cutLayers.find((cut) => cut.name === layer)?.node;
}

/** The adapter's fusion over the measured candidates that run its parts (any runtime variant). */
function currentFusionCandidate(candidates: Candidate[], current: Fusion): Candidate | null {
  const parts = current.parts.map((part) =>
    candidates.find(
      (candidate) =>
        candidate.layer === part.layer &&
        candidate.runtimes.some((runtime) => runtime.backbone === part.manifest.id),
    ),
  );
  const [first, second] = parts;
  if (!first || !second || parts.length !== 2) return null;
  return fusedCandidate(first, second, current);
}

function sameParts(a: Candidate, b: Candidate): boolean {
  const ids = (candidate: Candidate) =>
    (candidate.fusion?.parts.map((part) => part.id) ?? []).sort().join(" ");
  return ids(a) === ids(b);
}

function meanMacroF1(report: CandidateReport): number {
  return report.metrics?.crossValidatedMacroF1.mean ?? Number.NEGATIVE_INFINITY;
}

/**
 * The two candidates' fusion, or null when they cannot be fused (another modality, the same block).
 * `as`: the adapter's own fusion of them, whose id (its runtimes, its order) the candidate keeps.
 */
function fusedCandidate(first: Candidate, second: Candidate, as?: Fusion): Candidate | null {
  try {
    const fusion = as ?? fuse([first, second]);
    return {
      id: `${first.id}+${second.id}`,
      backbone: fusion.id,
      layer: fusionLayers(fusion),
      dim: fusion.dim,
      manifest: first.manifest,
      runtimes: [...first.runtimes, ...second.runtimes],
      fusion: { fusion, parts: [first, second] },
    };
  } catch (error) {
    if (error instanceof InputError) return null;
    throw error;
  }
}
