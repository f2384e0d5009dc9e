import type { BackboneDefinition, BackboneRuntime, ModelFiles } from "../../models";

/** What a host (workerd or Node) provides to run backbones: which ones, their wasm, their files. */
export interface RuntimeHost {
  readonly name: "workerd" | "node";
  /** The backbones this host serves, by id. */
  readonly backbones: Readonly<Record<string, BackboneDefinition>>;
  /**
   * The precompiled wasm of each runtime the host carries; a runtime missing here is not available.
   * The pool asks once per runtime, when a backbone first needs it, so a host may compile lazily.
   */
  readonly wasm: Partial<Record<BackboneRuntime, () => Promise<WebAssembly.Module>>>;
  /** The prepared files of one model folder (models/dist/<folder>). */
  modelFiles(folder: string): ModelFiles;
}
