import type { BackboneDefinition, ModelFiles } from "../../models";
import type { RuntimeEngines } from "./engine";

/** What a host (workerd or Node) provides to run backbones: which ones, their wasm, their files. */
export interface RuntimeHost {
  readonly name: "workerd" | "node";
  /** The backbones this host serves, by id. */
  readonly backbones: Readonly<Record<string, BackboneDefinition>>;
  /** The runtimes it carries, started when a backbone first needs one; others are unavailable. */
  readonly engines: RuntimeEngines;
  /** The prepared files of one model folder (models/dist/<folder>). */
  modelFiles(folder: string): ModelFiles;
}
