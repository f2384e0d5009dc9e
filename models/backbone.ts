/** The host-independent contract of a backbone, shared by every backbone folder and the registry. */

import { resolveCutLayer } from "./cut-layer";
import type { RgbImage } from "./image/rgb-image";
import type { BackboneManifest, BackboneRuntime } from "./manifest";

/** Files of one backbone's `models/dist/<id>/` folder; the host (Node fs or workerd static assets) provides it. */
export interface ModelFiles {
  read(file: string): Promise<ArrayBuffer>;
}

/**
 * A text, or an image as decoded, at any size: the backbone crops, resizes and scales images one
 * forward batch at a time.
 */
export type BackboneInput = { kind: "text"; text: string } | { kind: "image"; image: RgbImage };

export interface EmbedOptions {
  /** A cut layer's name from the manifest; defaults to `manifest.output.layer`. */
  layer?: string;
}

/** Per input: the trainable top's cut feature map (H·W·C, row-major) and its output embedding. */
export interface CutActivations {
  maps: Float32Array[];
  embeddings: Float32Array[];
}

export interface Backbone {
  manifest: BackboneManifest;
  /** One L2-normalised vector per input, in input order. */
  embed(inputs: BackboneInput[], options?: EmbedOptions): Promise<Float32Array[]>;
  /**
   * The same at several cut layers from one forward pass, `result[k]` being `layers[k]`'s vectors:
   * what selection measures a network's layers with, at the cost of embedding at its deepest one.
   */
  embedLayers(inputs: BackboneInput[], layers: string[]): Promise<Float32Array[][]>;
  /**
   * When the manifest declares a trainable top (and the runtime is tfjs): both ends of the top in
   * one pass, for a finetune head's cache. The embedding equals `embed` at the top's output layer.
   */
  embedWithCut?(inputs: BackboneInput[]): Promise<CutActivations>;
  /** Frees the model's weights in its runtime. */
  dispose(): void;
}

/** A backbone's `embed`: its `embedLayers` at the one layer asked for (or the manifest's default). */
export function embedAtOneLayer(
  manifest: BackboneManifest,
  embedLayers: Backbone["embedLayers"],
): Backbone["embed"] {
  return async (inputs, options) => {
    const [vectors = []] = await embedLayers(inputs, [
      resolveCutLayer(manifest, options?.layer).name,
    ]);
    return vectors;
  };
}

export interface BackboneDefinition {
  manifest: BackboneManifest;
  /**
   * The folder of its prepared files (models/dist/<folder>, static assets <folder>/); defaults to
   * `manifest.id`. Variants of one model on other runtimes share that model's folder.
   */
  folder?: string;
  /**
   * Loads the backbone on `runtime` (default: the manifest's own; an `auto` backbone is loaded once
   * per runtime it is measured on). The caller has started that runtime's wasm (src/runtime).
   */
  load(files: ModelFiles, runtime?: BackboneRuntime): Promise<Backbone>;
}
