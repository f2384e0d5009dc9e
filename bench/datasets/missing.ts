/**
 * Benchmark inputs live outside git (bench/data/, a Debian data package). A missing one is reported
 * with the command that provides it, and `npm run bench` prints that instead of a raw ENOENT.
 */

import { readFile } from "node:fs/promises";

export const PREPARE_EMBEDDINGS =
  "npx tsx bench/datasets/prepare.ts spam-sample=500 fashion=10000,2000";
export const INSTALL_FASHION_MNIST = "sudo apt-get install dataset-fashion-mnist";

export class MissingDatasetError extends Error {
  override readonly name = "MissingDatasetError";
}

/** `readFile`, but a missing file says which command provides it. */
export async function readDataFile(path: string | URL, providedBy: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new MissingDatasetError(`${String(path)} is missing; prepare it with: ${providedBy}`);
  }
}
