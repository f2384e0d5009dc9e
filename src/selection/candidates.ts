/**
 * Which (backbone, cut layer) pairs a selection measures, and whether the deployment can serve each:
 * the modality must match, and the backbone must be available here (runtime, licence, size, memory).
 */

import type { BackboneManifest } from "../../models";

export interface Candidate {
  /** "<backbone>/<layer>", the candidate's id in reports. */
  id: string;
  backbone: string;
  layer: string;
  dim: number;
  manifest: BackboneManifest;
}

/** The deployment's constraints: a Worker isolate has 128 MB for everything it holds. */
export const DEPLOYMENT = {
  runtimes: ["tfjs-graph", "onnx", "auto", "lexical"] as readonly string[],
  licences: ["MIT", "Apache-2.0"] as readonly string[],
  isolateMemoryBytes: 128 * 1024 * 1024,
  /**
   * Part of the isolate a backbone may take: its weights are held twice while loading (the fetched
   * bytes and the copy in the wasm heap), and the rest is for requests, heads and the runtime.
   */
  weightsFactor: 2,
  maxShareOfIsolate: 0.75,
} as const;

export interface Availability {
  available: boolean;
  /** Why not, one reason per failed criterion. */
  reasons: string[];
  /** Weights held twice while loading, the estimate compared with the isolate budget. */
  estimatedPeakBytes: number;
}

export function availability(manifest: BackboneManifest): Availability {
  const reasons: string[] = [];
  if (!DEPLOYMENT.runtimes.includes(manifest.runtime)) {
    reasons.push(`runtime ${manifest.runtime} is not supported by this deployment`);
  }
  const licence = manifest.source.licence;
  if (!DEPLOYMENT.licences.includes(licence)) {
    reasons.push(`licence ${licence} is not one of ${DEPLOYMENT.licences.join(", ")}`);
  }
  const estimatedPeakBytes = manifest.sizeBytes * DEPLOYMENT.weightsFactor;
  const budget = DEPLOYMENT.isolateMemoryBytes * DEPLOYMENT.maxShareOfIsolate;
  if (estimatedPeakBytes > budget) {
    reasons.push(
      `${manifest.sizeBytes} bytes of weights need about ${estimatedPeakBytes} bytes while loading, over the ${Math.round(budget)} bytes a backbone may take of a 128 MiB isolate`,
    );
  }
  return { available: reasons.length === 0, reasons, estimatedPeakBytes };
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
        })),
    );
}
