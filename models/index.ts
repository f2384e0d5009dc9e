/** The backbones this runtime serves, by id, and the types hosts and routes need to use them. */

import type { BackboneDefinition } from "./backbone";
import { inceptionV3 } from "./inception-v3";
import { lexical } from "./lexical";
import { mobilenetV2 } from "./mobilenet-v2";
import { mobilenetV2Auto } from "./mobilenet-v2/auto";
import { mobilenetV2Onnx } from "./mobilenet-v2/onnx";
import { mobilenetV2100 } from "./mobilenet-v2-100";
import { useLite } from "./use-lite";

export type {
  Backbone,
  BackboneDefinition,
  BackboneInput,
  CutActivations,
  EmbedOptions,
  ModelFiles,
} from "./backbone";
export { DEFAULT_LIMITS, type DecodeLimits, decodeImage } from "./image/decode";
export { ImageError, type ImageErrorCode } from "./image/image-error";
export type { RgbImage } from "./image/rgb-image";
export { InputError, type InputErrorCode } from "./input-error";
export {
  type BackboneManifest,
  BackboneManifestSchema,
  type BackboneRuntime,
  type CutLayer,
  runtimesOf,
} from "./manifest";

export const BACKBONES: Record<string, BackboneDefinition> = {
  [mobilenetV2.manifest.id]: mobilenetV2,
  [mobilenetV2Onnx.manifest.id]: mobilenetV2Onnx,
  [mobilenetV2Auto.manifest.id]: mobilenetV2Auto,
  [mobilenetV2100.manifest.id]: mobilenetV2100,
  [inceptionV3.manifest.id]: inceptionV3,
  [useLite.manifest.id]: useLite,
  [lexical.manifest.id]: lexical,
};
