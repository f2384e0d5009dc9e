import type { ModelFiles } from "../../models";

/** What a host (workerd or Node) provides to run backbones: compiled wasm and the prepared model files. */
export interface RuntimeHost {
  readonly name: "workerd" | "node";
  readonly tfjsWasm: WebAssembly.Module;
  modelFiles(backboneId: string): ModelFiles;
}
