/** The host-independent contract of a backbone, shared by every backbone folder and the registry. */

import type { RgbImage } from "./image/rgb-image";
import type { BackboneManifest } from "./manifest";

/** Files of one backbone's `models/dist/<id>/` folder; the host (Node fs or workerd static assets) provides it. */
export interface ModelFiles {
  read(file: string): Promise<ArrayBuffer>;
}

export type BackboneInput = { kind: "text"; text: string } | { kind: "image"; image: RgbImage };

export interface EmbedOptions {
  /** A cut layer's name from the manifest; defaults to `manifest.output.layer`. */
  layer?: string;
}

export interface Backbone {
  manifest: BackboneManifest;
  /** One L2-normalised vector per input, in input order. */
  embed(inputs: BackboneInput[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Frees the model's weights in the tfjs backend. */
  dispose(): void;
}

export interface BackboneDefinition {
  manifest: BackboneManifest;
  load(files: ModelFiles): Promise<Backbone>;
}
