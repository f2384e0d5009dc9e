/**
 * Fusions: an embedding made of two backbones' vectors side by side (or two cut layers of one), named
 * `<backbone>[:<layer>]+<backbone>[:<layer>]`, e.g. `lexical+use-lite` or
 * `mobilenet-v2:pooled+mobilenet-v2:block12`. A part without a layer is cut at its default output.
 *
 * A fusion's identity is its parts': its version and weights hash are theirs joined by "+", so an
 * adapter on a fusion is pinned to the exact weights of both; its dim is their sum, and `blocks` (the
 * parts' dims, in order) tell the head to balance them (adapters/preprocessing/block-scaling.ts).
 */

import { InputError } from "./input-error";
import type { BackboneManifest } from "./manifest";

export const FUSION_SEPARATOR = "+";

/** More blocks split the head's budget further and cost one more forward pass per input. */
export const MAX_FUSION_BLOCKS = 2;

export interface FusionPartSpec {
  backbone: string;
  /** Absent: the backbone's default output. */
  layer?: string;
}

export interface FusionPart {
  manifest: BackboneManifest;
  layer: string;
  dim: number;
}

export interface Fusion {
  /** Canonical name: each part as `<backbone>`, or `<backbone>:<layer>` off its default layer. */
  id: string;
  modality: BackboneManifest["modality"];
  version: string;
  weightsHash: string;
  dim: number;
  blocks: number[];
  parts: FusionPart[];
}

export function isFusionId(id: string): boolean {
  return id.includes(FUSION_SEPARATOR);
}

function invalid(message: string): InputError {
  return new InputError("invalid-fusion", message);
}

/** The parts a fusion name asks for (syntax only; `fuse` checks them against the manifests). */
export function parseFusionId(id: string): FusionPartSpec[] {
  const parts = id.split(FUSION_SEPARATOR);
  if (parts.length > MAX_FUSION_BLOCKS) {
    throw invalid(`a fusion has at most ${MAX_FUSION_BLOCKS} parts; "${id}" has ${parts.length}`);
  }
  return parts.map((part) => {
    // A selection report's candidate id ("mobilenet-v2/block12+…") copied in place of its backbone.
    if (part.includes("/")) {
      throw invalid(
        `fusion part "${part}" names its layer after "/": write <backbone>:<layer>, as a selection candidate's \`backbone\` field does`,
      );
    }
    const [backbone, layer, extra] = part.split(":");
    if (!backbone || layer === "" || extra !== undefined) {
      throw invalid(`fusion part "${part}" is not <backbone> or <backbone>:<layer>`);
    }
    return layer === undefined ? { backbone } : { backbone, layer };
  });
}

/** The fusion of the parts, or an InputError saying why they cannot be fused. */
export function fuse(parts: { manifest: BackboneManifest; layer?: string }[]): Fusion {
  if (parts.length < 2 || parts.length > MAX_FUSION_BLOCKS) {
    throw invalid(`a fusion has 2 to ${MAX_FUSION_BLOCKS} parts, not ${parts.length}`);
  }
  const resolved = parts.map(({ manifest, layer }) => resolvePart(manifest, layer));
  const [first, second] = resolved as [FusionPart, FusionPart];
  if (first.manifest.modality !== second.manifest.modality) {
    throw invalid(
      `${first.manifest.id} embeds ${first.manifest.modality} and ${second.manifest.id} ${second.manifest.modality}; a fusion's parts take the same inputs`,
    );
  }
  // Runtime variants of one model share weights: fusing them would repeat one block.
  const space = (part: FusionPart) => `${part.manifest.weightsHash}/${part.layer}`;
  if (space(first) === space(second)) {
    throw invalid(`both parts are ${partName(first)}'s weights at layer ${first.layer}`);
  }
  if (first.manifest.modality === "image" && !sameImageInput(first.manifest, second.manifest)) {
    throw invalid(
      `${first.manifest.id} and ${second.manifest.id} prepare images differently (size or scale); the parts of an image fusion must take the same pixels`,
    );
  }
  return {
    id: resolved.map(partName).join(FUSION_SEPARATOR),
    modality: first.manifest.modality,
    version: resolved.map((part) => part.manifest.version).join(FUSION_SEPARATOR),
    weightsHash: resolved.map((part) => part.manifest.weightsHash).join(FUSION_SEPARATOR),
    dim: resolved.reduce((sum, part) => sum + part.dim, 0),
    blocks: resolved.map((part) => part.dim),
    parts: resolved,
  };
}

/** The parts' cut layers joined by "+": a fusion's `layer` in selection reports and embeddings. */
export function fusionLayers(fusion: Pick<Fusion, "parts">): string {
  return fusion.parts.map((part) => part.layer).join(FUSION_SEPARATOR);
}

function resolvePart(manifest: BackboneManifest, layer?: string): FusionPart {
  const name = layer ?? manifest.output.layer;
  const cut = manifest.cutLayers.find((candidate) => candidate.name === name);
  if (!cut) {
    const known = manifest.cutLayers.map((candidate) => candidate.name).join(", ");
    throw invalid(`${manifest.id} has no cut layer "${name}"; it has ${known}`);
  }
  return { manifest, layer: name, dim: cut.dim };
}

function partName(part: FusionPart): string {
  const { manifest, layer } = part;
  return layer === manifest.output.layer ? manifest.id : `${manifest.id}:${layer}`;
}

/**
 * Image fusions join backbones that crop, resize and scale alike, so that one manifest's input
 * limits and preprocessing describe the fusion (each part resizes the decoded image itself).
 */
function sameImageInput(a: BackboneManifest, b: BackboneManifest): boolean {
  const input = ({ preprocessing }: BackboneManifest) =>
    preprocessing.kind === "image"
      ? JSON.stringify([preprocessing.crop, preprocessing.resize, preprocessing.scale])
      : "";
  return input(a) === input(b);
}
