import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BACKBONES, BackboneManifestSchema } from "../../../models";
import { modelsDir, preparedDir } from "./helpers";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const require = createRequire(import.meta.url);

interface ModelJson {
  /** A graph model lists nodes; a Keras (tfjs-layers) model lists layers. */
  modelTopology: {
    node?: { name: string }[];
    model_config?: { config: { layers: { name: string }[] } };
  };
  weightsManifest: {
    paths: string[];
    weights: { name: string; shape: number[]; quantization?: unknown }[];
  }[];
}

/** What a cut layer's `node` can name: graph nodes, or the layers of a Keras model. */
function nodeNames(model: ModelJson): Set<string> {
  const { node, model_config } = model.modelTopology;
  return new Set((node ?? model_config?.config.layers ?? []).map((entry) => entry.name));
}

/** The source folder of the backbone's npm package (found through its main entry). */
function sourceDir(packageName: string, directory: string): string {
  let dir = dirname(require.resolve(packageName));
  while (!dir.endsWith(join("node_modules", packageName))) dir = dirname(dir);
  return join(dir, directory);
}

// Each npm-packaged model's own manifest.json; runtime variants (mobilenet-v2-onnx, …) share their
// model's files, and the lexical baseline has none (test/node/selection/lexical-backbone.test.ts).
const MODELS = Object.values(BACKBONES)
  .filter((entry) => entry.folder === undefined && "package" in entry.manifest.source)
  .map((entry) => entry.manifest.id);

describe.each(MODELS)("manifest of %s", (id) => {
  const manifest = BACKBONES[id]?.manifest;
  if (!manifest) throw new Error(`no manifest for ${id}`);
  const { source } = manifest;
  if (!("package" in source)) throw new Error(`${id} should come from an npm package`);
  const prepared = (path: string) => new Uint8Array(readFileSync(join(preparedDir(id), path)));
  const modelJson = () => JSON.parse(new TextDecoder().decode(prepared("model.json"))) as ModelJson;

  it("validates against the schema as committed", () => {
    const committed = JSON.parse(readFileSync(join(modelsDir(), id, "manifest.json"), "utf8"));
    expect(BackboneManifestSchema.parse(committed)).toEqual(manifest);
    expect(manifest.id).toBe(id);
  });

  it("matches the installed package's source files", () => {
    const dir = sourceDir(source.package, source.directory);
    for (const file of manifest.files.source) {
      const bytes = new Uint8Array(readFileSync(join(dir, file.path)));
      expect({ path: file.path, bytes: bytes.byteLength, sha256: sha256(bytes) }).toEqual(file);
    }
  });

  it("matches the prepared files in models/dist, and weightsHash is weights.bin's", () => {
    for (const file of manifest.files.prepared) {
      const bytes = prepared(file.path);
      expect({ path: file.path, bytes: bytes.byteLength, sha256: sha256(bytes) }).toEqual(file);
    }
    expect(sha256(prepared("weights.bin"))).toBe(manifest.weightsHash);
    const total = manifest.files.prepared.reduce((sum, file) => sum + file.bytes, 0);
    expect(manifest.sizeBytes).toBe(total);
  });

  it("prepared model.json has one weights.bin group holding all source weight specs", () => {
    const model = modelJson();
    expect(model.weightsManifest.map((group) => group.paths)).toEqual([["weights.bin"]]);
    const weights = model.weightsManifest[0]?.weights ?? [];
    expect(weights.length).toBeGreaterThan(50);
    expect(new Set(weights.map((spec) => spec.name)).size).toBe(weights.length);
    const values = weights.reduce((sum, spec) => sum + spec.shape.reduce((n, d) => n * d, 1), 0);
    expect(manifest.parameters).toBe(values);
  });

  it("names nodes that exist for the inputs, the output and every cut layer", () => {
    const nodes = nodeNames(modelJson());
    expect(nodes.size).toBeGreaterThan(100);
    for (const input of manifest.inputs) expect(nodes).toContain(input.name);
    expect(nodes).toContain(manifest.output.node);
    for (const layer of manifest.cutLayers) expect(nodes).toContain(layer.node);
  });
});

describe.each(["mobilenet-v2", "mobilenet-v2-100", "inception-v3"])("%s weights", (id) => {
  it("keep nsfwjs's uint8 quantisation specs", () => {
    const model = JSON.parse(
      readFileSync(join(preparedDir(id), "model.json"), "utf8"),
    ) as ModelJson;
    const weights = model.weightsManifest[0]?.weights ?? [];
    expect(
      weights.every((spec) => (spec.quantization as { dtype?: string })?.dtype === "uint8"),
    ).toBe(true);
  });
});

describe("adapterLayer", () => {
  const useLite = JSON.parse(readFileSync(join(modelsDir(), "use-lite", "manifest.json"), "utf8"));

  it("names one of the cut layers", () => {
    expect(BackboneManifestSchema.safeParse(useLite).success).toBe(true);
    const wrong = BackboneManifestSchema.safeParse({ ...useLite, adapterLayer: "pooled" });
    expect(wrong.error?.issues.map((issue) => issue.message)).toEqual([
      "adapterLayer must name one of cutLayers",
    ]);
  });
});
