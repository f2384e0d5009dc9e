/**
 * Node host: every backbone of the registry, both runtimes (tfjs's wasm compiled up front, ort's
 * 14 MB only when an ONNX backbone first loads), prepared models read from models/dist, and the
 * scaled JPEG decoder installed.
 */

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { BACKBONES, type ModelFiles } from "../../models";
import { useScaledJpegDecoder } from "../../models/image";
import type { RuntimeHost } from "./host";
import { compileOrtWasm } from "./ort/node-wasm";
import { ortEngine } from "./ort-engine";
import { tfjsEngines } from "./tfjs-engine";

const require = createRequire(import.meta.url);
const MODELS_DIST = join(dirname(fileURLToPath(import.meta.url)), "../../models/dist");
const TFJS_WASM = join(
  dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")),
  "dist/tfjs-backend-wasm-simd.wasm",
);
const JPEG_DECODER_WASM = require.resolve("imagescript/wasm/any/jpeg.wasm");

// The workers types (rightly) leave out run-time compilation, which workerd refuses; Node has it.
const { compile } = WebAssembly as unknown as {
  compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
};

export interface NodeHost extends RuntimeHost {
  /** For code that drives tfjs directly (tests, fixtures, benchmarks). */
  readonly tfjsWasm: WebAssembly.Module;
}

export async function nodeHost(modelsDir = MODELS_DIST): Promise<NodeHost> {
  const tfjsWasm = await compile(await readFile(TFJS_WASM));
  // As workerd's worker does: JPEGs over the pixel limit are decoded reduced (models/image).
  useScaledJpegDecoder(await compile(await readFile(JPEG_DECODER_WASM)));
  let ortWasm: Promise<WebAssembly.Module> | undefined;
  return {
    name: "node",
    backbones: BACKBONES,
    tfjsWasm,
    engines: {
      ...tfjsEngines(async () => tfjsWasm),
      onnx: ortEngine(() => {
        ortWasm ??= compileOrtWasm();
        return ortWasm;
      }),
    },
    modelFiles: (folder) => directoryFiles(join(modelsDir, folder)),
  };
}

export function directoryFiles(dir: string): ModelFiles {
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
