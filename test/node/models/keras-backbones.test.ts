/**
 * The Keras image backbones (runtime tfjs-layers) against nsfwjs itself: the package's own loader and
 * its own `infer(image, endpoint)` truncation are the reference for our prepared files, our
 * preprocessing, our truncation at each cut layer and our pooling.
 */

import * as tf from "@tensorflow/tfjs-core";
import { load, type NSFWJS } from "nsfwjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKBONES, type Backbone } from "../../../models";
import { gridAveragePool } from "../../../models/grid-pooling";
import { loadPreparedLayersModel } from "../../../models/layers-model";
import type { CutLayer } from "../../../models/manifest";
import { directoryFiles } from "../../../src/runtime/node";
import { pictureRgb } from "../../fixtures/pictures";
import { loadBackbone, maxAbsDifference, norm, preparedDir } from "./helpers";

const CASES = [
  { id: "mobilenet-v2-100", nsfwjsModel: "MobileNetV2", size: 224 },
  { id: "inception-v3", nsfwjsModel: "InceptionV3", size: 299 },
] as const;

/** What nsfwjs computes at `node` for one square picture of its input size, pooled and normalised like ours. */
/** nsfwjs's own model run to `layer`'s node, pooled as the layer says (the grid by plain arrays). */
function nsfwjsEmbedding(nsfwjs: NSFWJS, pixels: Uint8Array, size: number, layer: CutLayer) {
  return tf.tidy(() => {
    const output = nsfwjs.infer(
      tf.tensor3d(pixels, [size, size, 3], "int32"),
      layer.node,
    ) as tf.Tensor;
    const pooled =
      layer.pooling === "grid-average"
        ? tf.tensor1d(gridAveragePool(output.dataSync() as Float32Array, output.shape, layer.grid))
        : output.rank === 4
          ? tf.mean(output, [1, 2])
          : output;
    return tf.div(pooled, tf.norm(pooled)).dataSync() as Float32Array;
  });
}

describe.each(CASES)("$id backbone (real weights, tfjs-layers)", ({ id, nsfwjsModel, size }) => {
  const manifest = BACKBONES[id]?.manifest;
  if (!manifest) throw new Error(`${id} is not registered`);
  let backbone: Backbone;
  let nsfwjs: NSFWJS;
  const pixels = pictureRgb(size, size, 3);
  beforeAll(async () => {
    backbone = await loadBackbone(id);
    nsfwjs = await load(nsfwjsModel, { size });
  });
  afterAll(() => {
    backbone.dispose();
    // Not nsfwjs.dispose(): after infer() at an endpoint it disposes the shared layers twice and throws.
    nsfwjs.model.dispose();
  });

  it("loads from the prepared files the same network as nsfwjs loads from its package", async () => {
    const prepared = await loadPreparedLayersModel(directoryFiles(preparedDir(id)), manifest);
    const batch = tf.randomUniform([2, size, size, 3], 0, 1, "float32", 11);
    const ours = prepared.predict(batch) as tf.Tensor;
    const theirs = nsfwjs.model.predict(batch) as tf.Tensor;
    expect(
      maxAbsDifference(ours.dataSync() as Float32Array, theirs.dataSync() as Float32Array),
    ).toBe(0);
    tf.dispose([batch, ours, theirs]);
    prepared.dispose();
  });

  it.each(manifest.cutLayers.map((layer) => [layer.name, layer.node, layer.dim, layer] as const))(
    "embeds at cut layer %s (%s, %i-d) what nsfwjs computes there, unit length",
    async (name, _node, dim, layer) => {
      const [vector] = await backbone.embed(
        [{ kind: "image", image: { width: size, height: size, data: pixels } }],
        { layer: name },
      );
      expect(vector?.length).toBe(dim);
      expect(norm(vector as Float32Array)).toBeCloseTo(1, 5);
      const expected = nsfwjsEmbedding(nsfwjs, pixels, size, layer);
      expect(maxAbsDifference(vector as Float32Array, expected)).toBeLessThan(1e-5);
    },
  );

  it("leaves no tensors behind", async () => {
    const image = { width: 64, height: 48, data: pictureRgb(64, 48, 1) };
    await backbone.embed([{ kind: "image", image }]);
    const before = tf.memory().numTensors;
    await backbone.embed([{ kind: "image", image }], { layer: manifest.cutLayers[1]?.name });
    expect(tf.memory().numTensors).toBe(before);
  });
});
