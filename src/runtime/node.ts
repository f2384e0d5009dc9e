/** Node host: compiles the wasm from node_modules and reads prepared models from models/dist. */

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ModelFiles } from "../../models";
import type { RuntimeHost } from "./host";

const require = createRequire(import.meta.url);
const MODELS_DIST = join(dirname(fileURLToPath(import.meta.url)), "../../models/dist");
const TFJS_WASM = join(
  dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")),
  "dist/tfjs-backend-wasm-simd.wasm",
);

// The workers types (rightly) leave out run-time compilation, which workerd refuses; Node has it.
const { compile } = WebAssembly as unknown as {
  compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
};

export async function nodeHost(modelsDir = MODELS_DIST): Promise<RuntimeHost> {
  const tfjsWasm = await compile(await readFile(TFJS_WASM));
  return {
    name: "node",
    tfjsWasm,
    modelFiles: (backboneId) => directoryFiles(join(modelsDir, backboneId)),
  };
}

function directoryFiles(dir: string): ModelFiles {
  return {
    async read(file) {
      const bytes = await readFile(join(dir, file));
      return bytes.buffer.slice(
        bytes.byteOffset,
        bytes.byteOffset + bytes.byteLength,
      ) as ArrayBuffer;
    },
  };
}
