/**
 * workerd host: the wasm is imported at bundle time (wrangler hands us a compiled
 * `WebAssembly.Module`, the only form workerd accepts) and the prepared model files are Workers
 * static assets, fetched through the ASSETS binding on first use.
 */

import tfjsWasm from "@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm";
import type { ModelFiles } from "../../models";
import type { RuntimeHost } from "./host";

export function workerdHost(assets: Fetcher): RuntimeHost {
  return { name: "workerd", tfjsWasm, modelFiles: (backboneId) => assetFiles(assets, backboneId) };
}

function assetFiles(assets: Fetcher, backboneId: string): ModelFiles {
  return {
    async read(file) {
      // The host part is ignored by the assets binding; only the path selects the file.
      const response = await assets.fetch(`https://assets.local/${backboneId}/${file}`);
      if (!response.ok) {
        throw new Error(
          `model file ${backboneId}/${file} is missing from static assets (${response.status})`,
        );
      }
      return response.arrayBuffer();
    },
  };
}
