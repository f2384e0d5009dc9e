/** The backbones this runtime serves, by id, and the types hosts and routes need to use them. */

import type { BackboneDefinition } from "./backbone";
import { mobilenetV2 } from "./mobilenet-v2";
import { useLite } from "./use-lite";

export type {
  Backbone,
  BackboneDefinition,
  BackboneInput,
  EmbedOptions,
  ModelFiles,
} from "./backbone";
export { DEFAULT_LIMITS, type DecodeLimits, decodeImage } from "./image/decode";
export { ImageError, type ImageErrorCode } from "./image/image-error";
export type { RgbImage } from "./image/rgb-image";
export { InputError, type InputErrorCode } from "./input-error";
export { type BackboneManifest, BackboneManifestSchema, type CutLayer } from "./manifest";

export const BACKBONES: Record<string, BackboneDefinition> = {
  [mobilenetV2.manifest.id]: mobilenetV2,
  [useLite.manifest.id]: useLite,
};
