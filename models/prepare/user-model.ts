/**
 * A model the deployer brings (`source.provided: "user"`): its files sit next to its manifest in
 * models/<id>/ and are placed in models/dist/<id>/ as they are, after each is checked against the
 * sha256 and size its manifest records. There is no package to extract from and nothing to convert.
 */

import { copyFile, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { BackboneManifest } from "../manifest";
import { recordOf } from "./package-files";

export async function placeUserModel(
  manifest: BackboneManifest,
  manifestDir: string,
  distDir: string,
): Promise<void> {
  await mkdir(distDir, { recursive: true });
  for (const expected of manifest.files.prepared) {
    const from = join(manifestDir, expected.path);
    const actual = recordOf(expected.path, new Uint8Array(await readFile(from)));
    if (actual.sha256 !== expected.sha256 || actual.bytes !== expected.bytes) {
      throw new Error(
        `${manifest.id}: ${from} has ${actual.bytes} bytes, sha256 ${actual.sha256}; the manifest says ${expected.bytes} bytes, sha256 ${expected.sha256}`,
      );
    }
    await copyFile(from, join(distDir, expected.path));
  }
  console.log(`${manifest.id}: placed ${manifest.files.prepared.map((file) => file.path)}`);
}
