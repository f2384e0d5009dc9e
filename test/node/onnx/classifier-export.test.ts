/**
 * The ONNX export of a backbone with its head, built by the code the export route runs
 * (src/exports/onnx-export.ts), at a cut layer that is global-average-pooled (block12: the
 * channels-first pooling path) and at ones that are grid-pooled (block16-grid, block16-grid-2x2), against the tfjs backbone and the head's own probabilities. And
 * which served backbones can be exported whole, and why the others cannot.
 */

import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { describeHead, deserializeHead, fromRows, trainHead } from "../../../adapters";
import { BACKBONES, decodeImage } from "../../../models";
import { resolveCutLayer } from "../../../models/cut-layer";
import { imageBatch } from "../../../models/image-backbone";
import { joinParts } from "../../../models/onnx";
import { backboneClassifierOnnx, wholeGraphRefusal } from "../../../src/exports/onnx-export";
import { BackbonePool } from "../../../src/runtime/backbones";
import { nodeHost } from "../../../src/runtime/node";
import type { VersionRecord } from "../../../src/storage/records";
import { picturePng } from "../../fixtures/pictures";
import { blobs } from "../adapters/helpers";

let pool: BackbonePool;

beforeAll(async () => {
  pool = new BackbonePool(await nodeHost());
});

describe("the whole-graph ONNX export", () => {
  it("is offered for image backbones with a tfjs graph, and refused with the reason otherwise", () => {
    const refusals = Object.fromEntries(
      Object.values(BACKBONES).map(({ manifest }) => [manifest.id, wholeGraphRefusal(manifest)]),
    );
    expect(refusals).toMatchObject({
      "mobilenet-v2": null,
      "mobilenet-v2-onnx": null,
      "mobilenet-v2-auto": null,
    });
    expect(refusals["mobilenet-v2-100"]).toContain("Keras (tfjs-layers)");
    expect(refusals["inception-v3"]).toContain("Keras (tfjs-layers)");
    expect(refusals["use-lite"]).toContain("tokenizer (sentencepiece-unigram)");
    expect(refusals.lexical).toContain("tokenizer (hashed-ngrams)");
  });

  // An MLP's steps on block12; logistic heads on the 3×3 grid's 4,032 dimensions, where they fit
  // quickly, and on the 2×2 grid (windows of 4 at stride 3) that adapters start on.
  it.each([
    ["block12", "mlp"],
    ["block16-grid", "logistic"],
    ["block16-grid-2x2", "logistic"],
  ] as const)(
    "gives the tfjs embedding and the head's probabilities at pooled cut layer %s (%s head)",
    async (name, headType) => {
      const manifest = pool.manifest("mobilenet-v2");
      const layer = resolveCutLayer(manifest, name);
      const backbone = { id: manifest.id, weightsHash: manifest.weightsHash, dim: layer.dim };
      // A head over random points: what matters is that the graph computes it, not its accuracy.
      const { samples } = blobs({
        perClass: 6,
        classes: 3,
        dim: layer.dim,
        separation: 4,
        seed: 2,
      });
      const trained = await trainHead({ headType, backbone, samples, options: { seed: 4 } });
      const head = deserializeHead(trained.head.serialize(), backbone);

      const images = [0, 1, 2].map((seed) => decodeImage(picturePng(120, 90, seed)));
      const tfjs = await pool.embed(
        manifest.id,
        images.map((image) => ({ kind: "image", image })),
        layer.name,
      );
      const expected = head.probabilities(fromRows(tfjs.embeddings, layer.dim)).data;

      const record = { adapterId: "a_test", version: 1 } as VersionRecord;
      const parts = await backboneClassifierOnnx(pool, manifest, layer, record, describeHead(head));
      const session = await ort.InferenceSession.create(joinParts(parts));
      const batch = imageBatch(manifest, images);
      const outputs = await session.run({
        input: new ort.Tensor("float32", batch.data, [...batch.dims]),
      });
      const embedding = outputs.embedding?.data as Float32Array;
      const probabilities = outputs.probabilities?.data as Float32Array;
      const embeddingDifference = worst(
        embedding,
        Float32Array.from(tfjs.embeddings.flatMap((row) => [...row])),
      );
      const probabilityDifference = worst(probabilities, expected);
      console.log(`${name} export vs tfjs + head:`, { embeddingDifference, probabilityDifference });
      expect(embeddingDifference).toBeLessThan(1e-4);
      expect(probabilityDifference).toBeLessThan(1e-4);
      await session.release();
    },
  );
});

function worst(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let max = 0;
  for (let i = 0; i < actual.length; i++) {
    max = Math.max(max, Math.abs((actual[i] ?? Number.NaN) - (expected[i] ?? Number.NaN)));
  }
  return max;
}
