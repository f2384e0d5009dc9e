/**
 * The backbones this isolate serves: loaded lazily on first use, then kept at module scope for the
 * isolate's life. Loading is shared, so concurrent first requests load a backbone once.
 */

import { BACKBONES, type Backbone, type BackboneInput, type BackboneManifest } from "../../models";
import type { RuntimeHost } from "./host";
import { useTfjsWasm } from "./tfjs-wasm";

export type LoadState =
  | { state: "unloaded" }
  | { state: "loading" }
  | { state: "ready"; loadMs: number }
  | { state: "failed"; error: string };

export interface Embeddings {
  backbone: string;
  version: string;
  /** The cut layer the vectors come from. */
  layer: string;
  dim: number;
  embeddings: Float32Array[];
}

export class UnknownBackboneError extends Error {
  constructor(readonly backboneId: string) {
    super(`unknown backbone "${backboneId}"; known: ${Object.keys(BACKBONES).join(", ")}`);
  }
}

export class BackbonePool {
  private readonly loading = new Map<string, Promise<Backbone>>();
  private readonly states = new Map<string, LoadState>();

  constructor(private readonly runtime: RuntimeHost) {}

  get host(): RuntimeHost["name"] {
    return this.runtime.name;
  }

  manifests(): BackboneManifest[] {
    return Object.values(BACKBONES).map((entry) => entry.manifest);
  }

  manifest(id: string): BackboneManifest {
    const entry = BACKBONES[id];
    if (!entry) throw new UnknownBackboneError(id);
    return entry.manifest;
  }

  state(id: string): LoadState {
    return this.states.get(id) ?? { state: "unloaded" };
  }

  get(id: string): Promise<Backbone> {
    const entry = BACKBONES[id];
    if (!entry) return Promise.reject(new UnknownBackboneError(id));
    let backbone = this.loading.get(id);
    if (!backbone) {
      backbone = this.load(id, entry);
      this.loading.set(id, backbone);
    }
    return backbone;
  }

  async embed(id: string, inputs: BackboneInput[], layer?: string): Promise<Embeddings> {
    const backbone = await this.get(id);
    const { manifest } = backbone;
    const cut = layer ?? manifest.output.layer;
    const embeddings = await backbone.embed(inputs, { layer: cut });
    const dim = embeddings[0]?.length ?? 0;
    return { backbone: id, version: manifest.version, layer: cut, dim, embeddings };
  }

  private async load(id: string, entry: (typeof BACKBONES)[string]): Promise<Backbone> {
    this.states.set(id, { state: "loading" });
    const started = performance.now();
    try {
      await useTfjsWasm(this.runtime.tfjsWasm);
      const backbone = await entry.load(this.runtime.modelFiles(id));
      this.states.set(id, { state: "ready", loadMs: performance.now() - started });
      return backbone;
    } catch (error) {
      // Forget the failed attempt so a later request can retry (e.g. after a transient asset error).
      this.loading.delete(id);
      this.states.set(id, { state: "failed", error: String(error) });
      throw error;
    }
  }
}
