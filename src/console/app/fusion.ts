/**
 * The New adapter form's "fuse with" choice (pure, unit-tested in Node): which second backbones and
 * layers it offers beside the first, and the fusion id POST /v1/adapters takes for the two
 * (`<backbone>[:<layer>]+<backbone>[:<layer>]`, README "Fusion").
 */

import { type Backbone, headTypesFor } from "./types";

/** One part of a fusion as the form holds it: a backbone of the catalogue and one of its cut layers. */
export interface FusionPart {
  backbone: Backbone;
  layer: string;
}

/** A part as the API names it: the backbone alone at its default layer, `id:layer` elsewhere. */
export function partName({ backbone, layer }: FusionPart): string {
  return layer === backbone.defaultLayer ? backbone.id : `${backbone.id}:${layer}`;
}

/**
 * The fusion id for the two parts, in the API's canonical form (a layer named only off its
 * default), so the adapter comes back with the id the form sent: `lexical+use-lite`,
 * `mobilenet-v2+mobilenet-v2:block12`.
 */
export function fusionId(first: FusionPart, second: FusionPart): string {
  return `${partName(first)}+${partName(second)}`;
}

/**
 * Whether two parts are one block twice: the same weights at the same layer, which the API refuses
 * (422 invalid-fusion). Runtime variants of one model (mobilenet-v2, mobilenet-v2-onnx) share weights.
 */
export function sameBlock(a: FusionPart, b: FusionPart): boolean {
  return a.backbone.weightsHash === b.backbone.weightsHash && a.layer === b.layer;
}

/** The layers of `candidate` that can sit beside `first`: all but one that would repeat its block. */
export function fusableLayers(candidate: Backbone, first: FusionPart): Backbone["layers"] {
  return candidate.layers.filter((l) => !sameBlock(first, { backbone: candidate, layer: l.name }));
}

/**
 * The backbones offered to fuse with `first`: of its modality (the API refuses two that take other
 * inputs), available here, with a layer left to fuse, the first backbone itself at another layer
 * included. Whether the two fit the isolate together only the API says (422 fusion-too-large): the
 * catalogue does not give the wasm heaps that decide it.
 */
export function fusionPartners(backbones: Backbone[], first: FusionPart): Backbone[] {
  return backbones.filter(
    (b) =>
      b.modality === first.backbone.modality &&
      b.selection.available &&
      fusableLayers(b, first).length > 0,
  );
}

/**
 * The second part's layer: the one asked for if it can be fused, else the partner's default, else its
 * first fusable one (the same backbone as the first cannot take the first's layer again).
 */
export function partnerLayer(
  partner: Backbone,
  first: FusionPart,
  wanted: string,
): Backbone["layers"][number] | undefined {
  const layers = fusableLayers(partner, first);
  return (
    layers.find((l) => l.name === wanted) ??
    layers.find((l) => l.name === partner.defaultLayer) ??
    layers[0]
  );
}

/** A fusion has no trainable top to retrain (the API: 422 no-trainable-top), so no finetune head. */
export const fusionHeadTypes = (): string[] => headTypesFor(undefined);
