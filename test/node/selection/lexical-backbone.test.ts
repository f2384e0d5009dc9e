import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BackboneManifestSchema } from "../../../models";
import { lexical, parametersHash } from "../../../models/lexical";
import { HASHED_NGRAM_PARAMETERS, hashedNgrams } from "../../../models/lexical/hashed-ngrams";
import { createApp } from "../../../src/app";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";

describe("the lexical backbone", () => {
  const { manifest } = lexical;

  it("pins its featurizer parameters: weightsHash is the sha256 of their JSON", async () => {
    const committed = JSON.parse(
      readFileSync(new URL("../../../models/lexical/manifest.json", import.meta.url), "utf8"),
    );
    expect(BackboneManifestSchema.parse(committed)).toEqual(manifest);
    expect(manifest.preprocessing).toMatchObject({ parameters: HASHED_NGRAM_PARAMETERS });
    expect(await parametersHash(HASHED_NGRAM_PARAMETERS)).toBe(manifest.weightsHash);
    expect(await parametersHash({ ...HASHED_NGRAM_PARAMETERS, buckets: 1024 })).not.toBe(
      manifest.weightsHash,
    );
  });

  it("embeds each cut layer at its own bucket count in one call, and refuses a layer it cannot fold to", async () => {
    const pool = new BackbonePool(await nodeHost());
    const texts = ["Heavy rain is expected.", "Simmer the sauce."];
    const inputs = texts.map((text) => ({ kind: "text" as const, text }));
    const [full, compact] = await pool.embedLayers(manifest.id, inputs, ["ngrams", "ngrams-1024"]);
    expect(full).toEqual(texts.map((text) => hashedNgrams(text)));
    expect(compact).toEqual(
      texts.map((text) => hashedNgrams(text, { ...HASHED_NGRAM_PARAMETERS, buckets: 512 })),
    );
    const layers = (dims: number[]) =>
      dims.map((dim, i) => ({
        name: `l${i}`,
        node: "ngrams",
        dim,
        pooling: "none",
        description: "",
      }));
    expect(() =>
      BackboneManifestSchema.parse({
        ...manifest,
        cutLayers: [...manifest.cutLayers, ...layers([1000])],
      }),
    ).toThrow(/dim 1000 is not twice a divisor of 2048 buckets/);
  });

  it("refuses a manifest whose runtime needs files it does not list", () => {
    expect(() => BackboneManifestSchema.parse({ ...manifest, runtime: "tfjs-graph" })).toThrow(
      /needs graph inputs|needs prepared/,
    );
  });

  it("is served by the pool without files or wasm, like any backbone", async () => {
    const pool = new BackbonePool(await nodeHost());
    const texts = ["Heavy rain is expected.", "Simmer the sauce."];
    const { embeddings, dim, layer } = await pool.embed(
      manifest.id,
      texts.map((text) => ({ kind: "text", text })),
    );
    expect({ dim, layer }).toEqual({ dim: 4096, layer: "ngrams" });
    expect(embeddings).toEqual(texts.map((text) => hashedNgrams(text)));
    expect(pool.state(manifest.id)).toMatchObject({ state: "ready", runtime: "lexical" });

    const listed = await createApp(() => pool).request("/v1/backbones");
    const { backbones } = (await listed.json()) as {
      backbones: { id: string; latency: { items: number } | null; sizeBytes: number }[];
    };
    expect(backbones.find((b) => b.id === manifest.id)).toMatchObject({
      sizeBytes: 0,
      latency: { items: 2 },
    });
    expect(backbones.find((b) => b.id === "use-lite")?.latency).toBeNull();
  });
});
