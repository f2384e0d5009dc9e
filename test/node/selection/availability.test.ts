import { describe, expect, it } from "vitest";
import { BACKBONE_RUNTIMES } from "../../../models/manifest";
import { createApp } from "../../../src/app";
import { Problem } from "../../../src/problem";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";
import {
  availability,
  candidatesFor,
  onePerWeights,
  weightsPeakBytes,
} from "../../../src/selection/candidates";
import { bindingFor } from "../../../src/tenants/adapter-backbone";
import { manifestOf } from "../../fixtures/manifests";

const EVERY_RUNTIME = BACKBONE_RUNTIMES;

describe("backbone availability in a 128 MiB isolate", () => {
  it("counts the fetched files plus a float32 copy of every weight, per runtime loaded", () => {
    const mobilenet = manifestOf("mobilenet-v2");
    const weightsBin = mobilenet.files.prepared.find((file) => file.path === "weights.bin");
    const modelJson = mobilenet.files.prepared.find((file) => file.path === "model.json");
    const tfjsFiles = (weightsBin?.bytes ?? 0) + (modelJson?.bytes ?? 0);
    expect(weightsPeakBytes(mobilenet)).toBe(tfjsFiles + 4 * mobilenet.parameters);
    // auto loads the model on tfjs and on onnxruntime while it measures which is faster.
    expect(weightsPeakBytes(manifestOf("mobilenet-v2-auto"))).toBe(
      mobilenet.sizeBytes + 8 * mobilenet.parameters,
    );
  });

  it("keeps the small image backbones and refuses InceptionV3, whose float32 weights alone take 85 MiB", () => {
    expect(availability(manifestOf("mobilenet-v2"), EVERY_RUNTIME)).toMatchObject({
      available: true,
    });
    expect(availability(manifestOf("mobilenet-v2-100"), EVERY_RUNTIME)).toMatchObject({
      available: true,
    });
    const inception = availability(manifestOf("inception-v3"), EVERY_RUNTIME);
    expect(inception.available).toBe(false);
    expect(inception.reasons).toEqual([
      expect.stringMatching(/22360869 weights take about 107 MiB/),
    ]);
  });

  it("needs the backbone's runtime in the deployment; auto needs one of its two", () => {
    const tfjsOnly = ["tfjs-graph", "tfjs-layers", "lexical"] as const;
    expect(availability(manifestOf("mobilenet-v2-onnx"), tfjsOnly)).toMatchObject({
      available: false,
      reasons: ["runtime onnx is not carried by this deployment"],
    });
    const auto = availability(manifestOf("mobilenet-v2-auto"), tfjsOnly);
    expect(auto.available).toBe(true);
    // Only the tfjs model loads, so only its files and one float32 copy count.
    expect(auto.estimatedPeakBytes).toBe(weightsPeakBytes(manifestOf("mobilenet-v2")));
    expect(availability(manifestOf("mobilenet-v2-100"), ["tfjs-graph"])).toMatchObject({
      available: false,
    });
  });

  it("offers every cut layer of every image backbone as a candidate, default layer first", () => {
    const ids = candidatesFor(
      ["mobilenet-v2", "mobilenet-v2-100", "inception-v3", "use-lite"].map(manifestOf),
      "image",
    ).map((candidate) => candidate.id);
    expect(ids).toEqual([
      "mobilenet-v2/pooled",
      "mobilenet-v2/block16",
      "mobilenet-v2/block16-grid",
      "mobilenet-v2/block16-grid-2x2",
      "mobilenet-v2/block12",
      "mobilenet-v2-100/pooled",
      "mobilenet-v2-100/block16",
      "mobilenet-v2-100/block16-grid",
      "mobilenet-v2-100/block16-grid-2x2",
      "mobilenet-v2-100/block12",
      "inception-v3/pooled",
      "inception-v3/mixed8",
      "inception-v3/mixed7",
    ]);
  });

  it("measures the same weights once: runtime variants become one candidate listing its runtimes", () => {
    const all = candidatesFor(
      ["mobilenet-v2", "mobilenet-v2-onnx", "mobilenet-v2-auto", "mobilenet-v2-100"].map(
        manifestOf,
      ),
      "image",
    );
    // Only the ONNX runtime here: the onnx variant is the one measured.
    const onnxOnly = onePerWeights(all, (manifest) => availability(manifest, ["onnx"]).available);
    expect(onnxOnly.map((c) => c.id)).toEqual([
      "mobilenet-v2-onnx/pooled",
      "mobilenet-v2-onnx/block16",
      "mobilenet-v2-onnx/block16-grid",
      "mobilenet-v2-onnx/block16-grid-2x2",
      "mobilenet-v2-onnx/block12",
      "mobilenet-v2-100/pooled",
      "mobilenet-v2-100/block16",
      "mobilenet-v2-100/block16-grid",
      "mobilenet-v2-100/block16-grid-2x2",
      "mobilenet-v2-100/block12",
    ]);
    expect(onnxOnly[0]?.runtimes).toEqual([
      { backbone: "mobilenet-v2-onnx", runtime: "onnx" },
      { backbone: "mobilenet-v2", runtime: "tfjs-graph" },
      { backbone: "mobilenet-v2-auto", runtime: "auto" },
    ]);
    const everywhere = onePerWeights(all, () => true);
    expect(everywhere[0]?.id).toBe("mobilenet-v2/pooled");
  });

  it("is what GET /v1/backbones reports for each backbone, with its parameters", async () => {
    const pool = new BackbonePool(await nodeHost());
    const response = await createApp(() => pool).request("/v1/backbones");
    const { backbones } = (await response.json()) as {
      backbones: { id: string; parameters: number; selection: { available: boolean } }[];
    };
    for (const backbone of backbones) {
      expect(backbone.selection).toEqual(availability(manifestOf(backbone.id), pool.runtimes));
      expect(backbone.parameters).toBe(manifestOf(backbone.id).parameters);
    }
    expect(backbones.find((b) => b.id === "inception-v3")?.selection.available).toBe(false);
  });

  it("refuses an adapter on a backbone it reports unavailable, with the reasons", async () => {
    const pool = new BackbonePool(await nodeHost());
    expect(bindingFor(pool, "mobilenet-v2")).toMatchObject({ backbone: "mobilenet-v2" });
    try {
      bindingFor(pool, "inception-v3");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Problem);
      expect(error).toMatchObject({ status: 422, slug: "backbone-unavailable" });
      const { reasons } = availability(manifestOf("inception-v3"), pool.runtimes);
      expect((error as Problem).extensions).toMatchObject({ reasons });
    }
  });
});
