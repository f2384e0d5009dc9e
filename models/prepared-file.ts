/** Reading a backbone's prepared files, each checked against the sha256 its manifest records. */

import type { ModelFiles } from "./backbone";
import type { BackboneManifest } from "./manifest";

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Reads one prepared file and checks it against the manifest, so a stale models/dist fails loudly. */
export async function readPreparedFile(
  files: ModelFiles,
  manifest: BackboneManifest,
  path: string,
): Promise<ArrayBuffer> {
  const expected = manifest.files.prepared.find((file) => file.path === path);
  if (!expected) throw new Error(`${manifest.id}: ${path} is not a prepared file of this backbone`);
  const bytes = await files.read(path);
  const actual = await sha256Hex(bytes);
  if (actual !== expected.sha256) {
    throw new Error(
      `${manifest.id}: ${path} has sha256 ${actual}, the manifest expects ${expected.sha256}; run \`npm run models\``,
    );
  }
  return bytes;
}
