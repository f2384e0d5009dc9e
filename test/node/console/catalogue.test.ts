/** An adapter's backbone in the catalogue of GET /v1/backbones, a fusion's by its first part. */

import { describe, expect, it } from "vitest";
import { type Backbone, catalogueEntry, isFusion } from "../../../src/console/app/types";

const entry = (id: string, modality: "image" | "text") => ({ id, modality }) as Backbone;
const CATALOGUE = [entry("mobilenet-v2", "image"), entry("lexical", "text")];

describe("catalogueEntry", () => {
  it("finds a backbone by its id, and a fusion by its first part, layers and all", () => {
    expect(catalogueEntry(CATALOGUE, "mobilenet-v2")?.modality).toBe("image");
    expect(catalogueEntry(CATALOGUE, "mobilenet-v2:pooled+mobilenet-v2:block12")?.modality).toBe(
      "image",
    );
    expect(catalogueEntry(CATALOGUE, "lexical+use-lite")?.modality).toBe("text");
    expect(catalogueEntry(CATALOGUE, "inception-v3")).toBeUndefined();
    expect([isFusion("lexical+use-lite"), isFusion("mobilenet-v2")]).toEqual([true, false]);
  });
});
