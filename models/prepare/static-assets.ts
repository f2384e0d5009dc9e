/**
 * The Workers copy of the prepared files: `models/assets/<id>/`, served to the worker through its
 * ASSETS binding. Workers static assets are at most 25 MiB a file, so a larger file (use-lite's
 * 27.9 MB weights) is stored as consecutive parts `<file>.0`, `<file>.1`, …, which the workerd host
 * (src/runtime/workerd.ts) joins again. The prepared files themselves stay whole for Node.
 */

import { link, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Under the 25 MiB limit with room to spare. */
export const MAX_ASSET_BYTES = 24 * 1024 * 1024;

export async function writeStaticAssets(preparedDir: string, assetsDir: string): Promise<void> {
  await rm(assetsDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });
  for (const name of await readdir(preparedDir)) {
    const bytes = await readFile(join(preparedDir, name));
    if (bytes.byteLength <= MAX_ASSET_BYTES) {
      await link(join(preparedDir, name), join(assetsDir, name));
      continue;
    }
    for (let part = 0; part * MAX_ASSET_BYTES < bytes.byteLength; part++) {
      const slice = bytes.subarray(part * MAX_ASSET_BYTES, (part + 1) * MAX_ASSET_BYTES);
      await writeFile(join(assetsDir, `${name}.${part}`), slice);
    }
  }
}
