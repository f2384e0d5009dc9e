/** The New adapter form's "fuse with" choice: the second backbones and layers offered, the id sent. */

import { describe, expect, it } from "vitest";
import {
  fusableLayers,
  fusionHeadTypes,
  fusionId,
  fusionPartners,
  partnerLayer,
} from "../../../src/console/app/fusion";
import type { Backbone } from "../../../src/console/app/types";

const backbone = (
  id: string,
  modality: "image" | "text",
  layers: string[],
  { weightsHash = id, available = true } = {},
) =>
  ({
    id,
    modality,
    defaultLayer: layers[0],
    layers: layers.map((name) => ({ name, dim: 8, description: name })),
    weightsHash,
    selection: { available, reasons: [] },
  }) as unknown as Backbone;

const IMAGE_LAYERS = ["pooled", "block16", "block12"];
const mobilenet = backbone("mobilenet-v2", "image", IMAGE_LAYERS, { weightsHash: "w1" });
// A runtime variant: the same weights on another runtime.
const mobilenetOnnx = backbone("mobilenet-v2-onnx", "image", IMAGE_LAYERS, { weightsHash: "w1" });
const mobilenet100 = backbone("mobilenet-v2-100", "image", IMAGE_LAYERS, { weightsHash: "w2" });
const inception = backbone("inception-v3", "image", ["pooled"], { available: false });
const useLite = backbone("use-lite", "text", ["sentence", "encoder-mean"]);
const lexical = backbone("lexical", "text", ["ngrams"]);
const CATALOGUE = [mobilenet, mobilenetOnnx, mobilenet100, inception, useLite, lexical];
const ids = (backbones: Backbone[]) => backbones.map((b) => b.id);

describe("fusionId", () => {
  it("names a part's layer only off its default, as the API's canonical id does", () => {
    expect(
      fusionId({ backbone: lexical, layer: "ngrams" }, { backbone: useLite, layer: "sentence" }),
    ).toBe("lexical+use-lite");
    expect(
      fusionId(
        { backbone: lexical, layer: "ngrams" },
        { backbone: useLite, layer: "encoder-mean" },
      ),
    ).toBe("lexical+use-lite:encoder-mean");
    expect(
      fusionId(
        { backbone: mobilenet, layer: "block16" },
        { backbone: mobilenet, layer: "block12" },
      ),
    ).toBe("mobilenet-v2:block16+mobilenet-v2:block12");
  });
});

describe("fusionPartners", () => {
  it("offers the available backbones of the first's modality, itself at another layer included", () => {
    expect(ids(fusionPartners(CATALOGUE, { backbone: lexical, layer: "ngrams" }))).toEqual([
      "use-lite",
    ]);
    expect(ids(fusionPartners(CATALOGUE, { backbone: useLite, layer: "sentence" }))).toEqual([
      "use-lite",
      "lexical",
    ]);
    expect(ids(fusionPartners(CATALOGUE, { backbone: mobilenet, layer: "pooled" }))).toEqual([
      "mobilenet-v2",
      "mobilenet-v2-onnx",
      "mobilenet-v2-100",
    ]);
  });

  it("leaves out the layer that would repeat the first's block, a runtime variant's too", () => {
    const first = { backbone: mobilenet, layer: "pooled" };
    expect(fusableLayers(mobilenet, first).map((l) => l.name)).toEqual(["block16", "block12"]);
    expect(fusableLayers(mobilenetOnnx, first).map((l) => l.name)).toEqual(["block16", "block12"]);
    expect(fusableLayers(mobilenet100, first).map((l) => l.name)).toEqual(IMAGE_LAYERS);
  });
});

describe("partnerLayer", () => {
  const first = { backbone: mobilenet, layer: "pooled" };
  it("keeps the layer asked for, else the default, else the first one left to fuse", () => {
    expect(partnerLayer(mobilenet100, first, "block12")?.name).toBe("block12");
    expect(partnerLayer(mobilenet100, first, "")?.name).toBe("pooled");
    expect(partnerLayer(mobilenet, first, "")?.name).toBe("block16");
    // The first's own layer, asked for again once the first moved onto it, is not kept.
    expect(partnerLayer(mobilenet, first, "pooled")?.name).toBe("block16");
  });
});

describe("fusionHeadTypes", () => {
  it("offers no finetune head: a fusion has no trainable top", () => {
    expect(fusionHeadTypes()).toEqual(["logistic", "prototype", "mlp"]);
  });
});
