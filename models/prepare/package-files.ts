/** Reading an npm package's files with every byte checked against the sha256 committed in a manifest. */

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

export interface FileRecord {
  path: string;
  bytes: number;
  sha256: string;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function recordOf(path: string, bytes: Uint8Array): FileRecord {
  return { path, bytes: bytes.byteLength, sha256: sha256Hex(bytes) };
}

/** The installed package's folder. Walks Node's lookup paths because packages with an `exports` map hide package.json. */
export function packageDirectory(packageName: string, fromUrl: string): string {
  const lookupPaths = createRequire(fromUrl).resolve.paths(packageName) ?? [];
  for (const nodeModules of lookupPaths) {
    const candidate = join(nodeModules, packageName);
    if (existsSync(join(candidate, "package.json"))) return candidate;
  }
  throw new Error(`package ${packageName} is not installed (looked in ${lookupPaths.join(", ")})`);
}

export async function installedVersion(packageDir: string): Promise<string> {
  const packageJson = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8"));
  return String(packageJson.version);
}

/**
 * Source files of one backbone. `bytes`/`path` refuse files the manifest does not list and throw on a
 * checksum mismatch; in `record` mode they accept any content and remember what they saw instead.
 */
export class VerifiedFiles {
  readonly seen = new Map<string, FileRecord>();

  constructor(
    private readonly directory: string,
    private readonly expected: readonly FileRecord[],
    private readonly mode: "verify" | "record",
  ) {}

  async bytes(file: string): Promise<Uint8Array> {
    const expected = this.expected.find((entry) => entry.path === file);
    if (!expected) throw new Error(`${file} is not listed in the manifest's files.source`);
    const bytes = new Uint8Array(await readFile(join(this.directory, file)));
    const actual = recordOf(file, bytes);
    if (this.mode === "verify" && actual.sha256 !== expected.sha256) {
      throw new Error(
        `checksum mismatch for ${join(this.directory, file)}: expected sha256 ${expected.sha256}, got ${actual.sha256}. ` +
          "The npm package changed; review it, then rerun with --update-manifest if the change is intended.",
      );
    }
    this.seen.set(file, actual);
    return bytes;
  }

  /** Absolute path of a file after its bytes were verified (for loaders that take a path). */
  async path(file: string): Promise<string> {
    await this.bytes(file);
    return join(this.directory, file);
  }
}
