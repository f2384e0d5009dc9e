/**
 * Backbone selection in process, on samples held in memory: the selection job's own steps
 * (./selection-process.ts) run to the end, single candidates and the fusions alike, so what the
 * tests and bench/selection measure is what the API's job reports.
 */

import { STEP_FLOPS } from "../../adapters";
import type { BackboneManifest } from "../../models";
import { isFusionId } from "../../models/fusion";
import { echoId, Problem } from "../problem";
import type { RawInput } from "../runtime/backbone-inputs";
import type { BackbonePool } from "../runtime/backbones";
import { availabilityHere, type Candidate, candidatesFor, onePerWeights } from "./candidates";
import { embedRaw, latencySamples, layersTarget, timePass } from "./embed-raw";
import { memoryActivations } from "./memory-activations";
import { MemoryVectorSets } from "./memory-vectors";
import { selectionPool } from "./selection-pool";
import { SelectionProcess, type SelectionProcessReport } from "./selection-process";
import { labelsOf, type SelectionRequest } from "./selection-report";
import type { VectorSets } from "./selection-run";

export interface LabelledRaw {
  raw: RawInput;
  label: string;
}

export interface SelectBackboneInput {
  pool: BackbonePool;
  modality: BackboneManifest["modality"];
  current: { backbone: string; layer: string };
  samples: LabelledRaw[];
  request: SelectionRequest;
  onProgress?: (fraction: number, message: string) => Promise<void> | void;
  /** Where each candidate's vectors of the samples are kept, by candidate id (default: a fresh set). */
  vectors?: VectorSets;
  /** The candidates to measure (default: every one the request allows, selectionCandidates). */
  candidates?: Candidate[];
}

export async function selectBackbone(input: SelectBackboneInput): Promise<SelectionProcessReport> {
  const { pool, request } = input;
  const candidates = input.candidates ?? selectionCandidates(pool, input.modality, request);
  const { samples, labels, stored } = selectionPool(
    input.samples,
    candidates,
    pool.runtimes,
    request.seed ?? 0,
  );
  const vectors = input.vectors ?? new MemoryVectorSets();
  const raws = samples.map((sample) => sample.raw);
  const run = new SelectionProcess(
    {
      pool,
      vectors,
      stepFlops: STEP_FLOPS,
      activations: memoryActivations(pool, raws),
      // All the samples at once: nothing here bounds a step's time.
      embedNextChunk: async (candidates) => {
        const { vectors: embedded, embedMs } = await embedRaw(pool, layersTarget(candidates), raws);
        for (const [k, candidate] of candidates.entries()) {
          vectors.appendVectors(
            candidate.id,
            samples.map((sample, i) => ({
              label: sample.label,
              hash: String(i),
              vector: embedded[k]?.[i] as Float32Array,
            })),
          );
        }
        return { done: true, embedMs };
      },
      timePass: (candidate, pass) => timePass(pool, candidate, latencySamples(raws, pass), pass),
      measuredOn: async () => ({ samples: samples.length, labels }),
    },
    request,
    candidates,
    null,
    isFusionId(input.current.backbone) ? pool.fusion(input.current.backbone) : null,
  );
  while (!run.done) {
    const { fraction, message } = run.progress;
    await input.onProgress?.(fraction, message);
    await run.step();
  }
  return run.report({ ...input, samples, stored }, labelsOf(samples));
}

/**
 * The candidates a selection measures: every cut layer of every backbone of the modality, or of
 * those asked for, once per weights (runtime variants share their embeddings: onePerWeights).
 */
export function selectionCandidates(
  pool: BackbonePool,
  modality: BackboneManifest["modality"],
  request: SelectionRequest,
): Candidate[] {
  const asked = candidatesFor(pool.manifests(), modality).filter(
    (c) => !request.backbones || request.backbones.includes(c.backbone),
  );
  return onePerWeights(asked, (manifest) => availabilityHere(manifest, pool).available);
}

/**
 * The backbones a selection request names, checked before its job is queued: an unknown id is a
 * 404, one of another modality than the adapter's a 422, and so is a list of which none can run
 * here (each would leave nothing to measure).
 */
export function assertRankable(
  pool: BackbonePool,
  modality: BackboneManifest["modality"],
  backbones: readonly string[] = [],
): void {
  for (const backbone of backbones) {
    const other = pool.manifest(backbone).modality;
    if (other !== modality) {
      throw new Problem(
        422,
        "wrong-modality",
        `backbone ${echoId(backbone)} embeds ${other}s; this adapter holds ${modality}s`,
      );
    }
  }
  const refusals = backbones.flatMap((backbone) => {
    const { available, reasons } = availabilityHere(pool.manifest(backbone), pool);
    return available ? [] : [`${backbone}: ${reasons.join("; ")}`];
  });
  if (backbones.length > 0 && refusals.length === backbones.length) {
    throw new Problem(
      422,
      "backbone-unavailable",
      `none of the backbones asked for can run in this deployment, so a selection would measure nothing: ${refusals.join(" | ")}`,
      { reasons: refusals },
    );
  }
}
