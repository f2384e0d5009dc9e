/**
 * workerd host: the deployment (src/runtime/deployments) names the backbones and brings the engines
 * they run on, whose wasm is imported at bundle time (wrangler hands us a compiled
 * `WebAssembly.Module`, the only form workerd accepts), and the prepared model files are Workers
 * static assets (models/assets), fetched through the ASSETS binding on first use.
 */

import type { ModelFiles } from "../../models";
import type { Deployment } from "./deployments/deployment";
import type { RuntimeHost } from "./host";

export function workerdHost(assets: Fetcher, deployment: Deployment): RuntimeHost {
  return {
    name: "workerd",
    backbones: Object.fromEntries(deployment.backbones.map((entry) => [entry.manifest.id, entry])),
    engines: deployment.engines,
    modelFiles: (folder) => assetFiles(assets, folder),
  };
}

function assetFiles(assets: Fetcher, folder: string): ModelFiles {
  // The host part is ignored by the assets binding; only the path selects the file.
  const fetchAsset = (path: string) => assets.fetch(`https://assets.local/${folder}/${path}`);
  return {
    async read(file) {
      const whole = await fetchAsset(file);
      if (whole.ok) return whole.arrayBuffer();
      const parts = await readParts(fetchAsset, file);
      if (parts.length === 0) {
        throw new Error(`model file ${folder}/${file} is missing from static assets`);
      }
      return concat(parts);
    },
  };
}

/**
 * A file over the 25 MiB static-asset limit is stored as `<file>.0`, `<file>.1`, …
 * (models/prepare/static-assets.ts); read parts until the next one is missing.
 */
async function readParts(
  fetchAsset: (path: string) => Promise<Response>,
  file: string,
): Promise<ArrayBuffer[]> {
  const parts: ArrayBuffer[] = [];
  for (;;) {
    const response = await fetchAsset(`${file}.${parts.length}`);
    if (!response.ok) return parts;
    parts.push(await response.arrayBuffer());
  }
}

function concat(parts: ArrayBuffer[]): ArrayBuffer {
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return joined.buffer;
}
