/**
 * Which (backbone, cut layer) pairs a selection measures, and whether the deployment can serve each:
 * the modality must match, and the backbone must be available here (runtime, licence, size, memory).
 */

import type { BackboneRef } from "../../adapters";
import type { BackboneManifest } from "../../models";
import type { Fusion } from "../../models/fusion";
import {
  BACKBONE_RUNTIMES,
  type BackboneRuntime,
  RUNTIME_FILES,
  runtimesOf,
} from "../../models/manifest";
import type { BackbonePool } from "../runtime/backbones";
import { ISOLATE_MEMORY_BYTES } from "../runtime/residency";

export interface Candidate {
  /** "<backbone>/<layer>", the candidate's id in reports. */
  id: string;
  backbone: string;
  layer: string;
  dim: number;
  manifest: BackboneManifest;
  /**
   * Every backbone id that runs these weights at this layer, this one first: runtime variants
   * (`-onnx`, `-auto`) give the same embeddings, so they are measured once, as one candidate.
   */
  runtimes: { backbone: string; runtime: string }[];
  /**
   * A fusion candidate (./fusion-candidate.ts): the two measured candidates it concatenates, whose
   * vectors it reuses. `backbone` is then the fusion's id and `layer` its parts' layers joined by +.
   */
  fusion?: { fusion: Fusion; parts: [Candidate, Candidate] };
}

/** The deployment's constraints: a Worker isolate has 128 MB for everything it holds. */
export const DEPLOYMENT = {
  licences: ["MIT", "Apache-2.0"] as readonly string[],
  isolateMemoryBytes: ISOLATE_MEMORY_BYTES,
  /** Part of the isolate a backbone's weights may take; the rest is for activations, requests, heads. */
  maxShareOfIsolate: 0.75,
} as const;

export interface Availability {
  available: boolean;
  /** Why not, one reason per failed criterion. */
  reasons: string[];
  /** Memory the backbone's weights take while loading: see weightsPeakBytes. */
  estimatedPeakBytes: number;
  /** A fusion's: its networks' wasm heaps once they have embedded, added up (manifests' figures). */
  wasmHeapBytes?: number;
}

/** The runtimes the backbone would load on here: its own, or for `auto` those the host carries. */
function loadedOn(manifest: BackboneManifest, carried: readonly BackboneRuntime[]) {
  return runtimesOf(manifest).filter((runtime) => carried.includes(runtime));
}

/**
 * While a backbone loads, an isolate holds, per runtime it is loaded on, the fetched weight files and
 * the runtime's float32 copy of every weight (4 bytes a parameter, even when the file stores uint8).
 */
export function weightsPeakBytes(
  manifest: BackboneManifest,
  carried: readonly BackboneRuntime[] = BACKBONE_RUNTIMES,
): number {
  const copies = loadedOn(manifest, carried).length;
  return fetchedBytes(manifest, carried) + copies * 4 * manifest.parameters;
}

/** Bytes of the prepared files fetched to load the backbone on each runtime it is loaded on. */
export function fetchedBytes(
  manifest: BackboneManifest,
  carried: readonly BackboneRuntime[] = BACKBONE_RUNTIMES,
): number {
  const needed = loadedOn(manifest, carried).flatMap((runtime) => RUNTIME_FILES[runtime]);
  return manifest.files.prepared
    .filter((file) => needed.includes(file.path))
    .reduce((sum, file) => sum + file.bytes, 0);
}

/** Whether selection can measure the backbone on a host carrying `carried` (BackbonePool.runtimes). */
export function availability(
  manifest: BackboneManifest,
  carried: readonly BackboneRuntime[],
): Availability {
  const reasons: string[] = [];
  const needed = runtimesOf(manifest);
  const loaded = loadedOn(manifest, carried);
  // auto runs on whichever of its runtimes is carried; any other backbone needs its own.
  if (loaded.length === 0 || (manifest.runtime !== "auto" && loaded.length < needed.length)) {
    reasons.push(`runtime ${manifest.runtime} is not carried by this deployment`);
  }
  const licence = manifest.source.licence;
  if (!DEPLOYMENT.licences.includes(licence)) {
    reasons.push(`licence ${licence} is not one of ${DEPLOYMENT.licences.join(", ")}`);
  }
  const estimatedPeakBytes = weightsPeakBytes(manifest, carried);
  reasons.push(...overBudget(`its ${manifest.parameters} weights`, estimatedPeakBytes));
  return { available: reasons.length === 0, reasons, estimatedPeakBytes };
}

/**
 * `availability`, and whether this isolate has room for the backbone's wasm heap beside the other
 * engines' heaps, which never shrink (BackbonePool.roomRefusal): what an adapter on it could be
 * served from here now.
 */
export function availabilityHere(manifest: BackboneManifest, pool: BackbonePool): Availability {
  const available = availability(manifest, pool.runtimes);
  const noRoom = pool.roomRefusal(manifest.id);
  if (noRoom === null) return available;
  return { ...available, available: false, reasons: [...available.reasons, noRoom] };
}

/**
 * Whether a fusion can be served here: each backbone it loads must be, their weights together must
 * fit the share of the isolate one backbone may take (both stay loaded to embed each input), and
 * so must the wasm heaps they settle at once they have embedded (manifests' `wasmHeapBytes`): two
 * MobileNetV2s load in 35 MiB but hold 233 MB of heap in one isolate. Two layers of one backbone
 * load it once.
 */
export function fusionAvailability(
  fusion: Fusion,
  carried: readonly BackboneRuntime[],
): Availability {
  const loaded = [
    ...new Map(fusion.parts.map((part) => [part.manifest.id, part.manifest])).values(),
  ];
  const each = loaded.map((manifest) => availability(manifest, carried));
  const reasons = each.flatMap((one, i) =>
    one.available ? [] : [`${loaded[i]?.id}: ${one.reasons.join("; ")}`],
  );
  const estimatedPeakBytes = each.reduce((sum, one) => sum + one.estimatedPeakBytes, 0);
  const wasmHeapBytes = loaded.reduce((sum, manifest) => sum + (manifest.wasmHeapBytes ?? 0), 0);
  if (reasons.length === 0) {
    const names = loaded.map((manifest) => manifest.id).join(" and ");
    reasons.push(...overBudget(`the weights of ${names} together`, estimatedPeakBytes));
    if (loaded.length > 1 && wasmHeapBytes > DEPLOYMENT.isolateMemoryBytes) {
      reasons.push(
        `the wasm heaps of ${names} take about ${megabytes(wasmHeapBytes)} together once they have embedded (measured one at a time), over a 128 MiB isolate`,
      );
    }
  }
  return { available: reasons.length === 0, reasons, estimatedPeakBytes, wasmHeapBytes };
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function overBudget(what: string, peakBytes: number): string[] {
  const budget = DEPLOYMENT.isolateMemoryBytes * DEPLOYMENT.maxShareOfIsolate;
  if (peakBytes <= budget) return [];
  return [
    `${what} take about ${megabytes(peakBytes)} while loading (files + float32 copy), over the ${megabytes(budget)} a backbone may take of a 128 MiB isolate`,
  ];
}

/** Whether selection can measure the candidate here: its backbone's, or a fusion's, availability. */
export function candidateAvailability(
  candidate: Candidate,
  carried: readonly BackboneRuntime[],
): Availability {
  return candidate.fusion
    ? fusionAvailability(candidate.fusion.fusion, carried)
    : availability(candidate.manifest, carried);
}

/** What a head on the candidate's vectors is pinned to (a fusion's blocks, for their scaling). */
export function backboneRefOf(candidate: Candidate): BackboneRef {
  const { fusion } = candidate;
  return fusion
    ? {
        id: candidate.backbone,
        weightsHash: fusion.fusion.weightsHash,
        dim: candidate.dim,
        blocks: fusion.fusion.blocks,
      }
    : { id: candidate.backbone, weightsHash: candidate.manifest.weightsHash, dim: candidate.dim };
}

/** Every cut layer of every backbone of the modality, default layer first within a backbone. */
export function candidatesFor(
  manifests: BackboneManifest[],
  modality: BackboneManifest["modality"],
): Candidate[] {
  return manifests
    .filter((manifest) => manifest.modality === modality)
    .flatMap((manifest) =>
      [...manifest.cutLayers]
        .sort(
          (a, b) =>
            Number(b.name === manifest.output.layer) - Number(a.name === manifest.output.layer),
        )
        .map((layer) => ({
          id: `${manifest.id}/${layer.name}`,
          backbone: manifest.id,
          layer: layer.name,
          dim: layer.dim,
          manifest,
          runtimes: [{ backbone: manifest.id, runtime: manifest.runtime }],
        })),
    );
}

/**
 * One candidate per weights hash and cut layer, in first-seen order: the first variant the
 * deployment can run is the one measured (else the first), and lists the others in `runtimes`.
 */
export function onePerWeights(
  candidates: Candidate[],
  runnable: (manifest: BackboneManifest) => boolean,
): Candidate[] {
  const groups = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const key = `${candidate.manifest.weightsHash}/${candidate.layer}`;
    groups.set(key, [...(groups.get(key) ?? []), candidate]);
  }
  return [...groups.values()].map((variants) => {
    const measured = variants.find((v) => runnable(v.manifest)) ?? (variants[0] as Candidate);
    return {
      ...measured,
      runtimes: [measured, ...variants.filter((v) => v !== measured)].flatMap((v) => v.runtimes),
    };
  });
}
