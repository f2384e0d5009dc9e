import { GraphModel } from "@tensorflow/tfjs-converter";
import * as tf from "@tensorflow/tfjs-core";
import * as ortNode from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { ConversionError, convertTfjsGraphToOnnx } from "../../../models/onnx";
import { nodeHost } from "../../../src/runtime/node";
import { useTfjsWasm } from "../../../src/runtime/tfjs-wasm";
import { maxAbsDifference } from "../models/helpers";
import { miniGraph } from "./mini-graph";

const BATCH = 2;
const input = Float32Array.from({ length: BATCH * 9 * 9 * 2 }, (_, i) => Math.sin(i * 0.37));

beforeAll(async () => {
  await useTfjsWasm((await nodeHost()).tfjsWasm);
});

async function tfjsOutput(outputNode: string): Promise<Float32Array> {
  const { modelJson, weightData } = miniGraph();
  const model = new GraphModel(
    tf.io.fromMemory({
      // tfjs also wants the GraphDef's versions, which the converter ignores.
      modelTopology: { ...modelJson.modelTopology, versions: { producer: 1, minConsumer: 0 } },
      weightSpecs: modelJson.weightsManifest.flatMap((group) => [
        ...group.weights,
      ]) as tf.io.WeightsManifestEntry[],
      weightData,
    }),
  );
  await model.load();
  const x = tf.tensor4d(input, [BATCH, 9, 9, 2]);
  const y = model.execute({ input: x }, outputNode) as tf.Tensor;
  const data = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  return data;
}

async function onnxOutput(
  outputNode: string,
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const { modelJson, weightData } = miniGraph();
  const session = await ortNode.InferenceSession.create(
    convertTfjsGraphToOnnx(modelJson, weightData, { outputNodes: [outputNode] }),
  );
  const result = await session.run({
    input: new ortNode.Tensor("float32", input, [BATCH, 9, 9, 2]),
  });
  const output = result[outputNode];
  await session.release();
  if (output === undefined) throw new Error(`no output ${outputNode}`);
  return { data: output.data as Float32Array, dims: output.dims };
}

describe("tfjs → ONNX converter", () => {
  it.each([
    ["probs", [BATCH, 3]],
    ["reshape", [BATCH, 8]],
    ["pool", [BATCH, 2, 2, 8]],
    ["conv", [BATCH, 5, 5, 4]],
  ])("gives tfjs's %s (TF layout, shape %j)", async (node, shape) => {
    const [expected, actual] = await Promise.all([tfjsOutput(node), onnxOutput(node)]);
    expect(actual.dims).toEqual(shape);
    expect(maxAbsDifference(actual.data, expected)).toBeLessThan(1e-5);
  });

  it("refuses an unsupported op on the output's path, naming op and node", () => {
    const { modelJson, weightData } = miniGraph({ centred: "Cumsum" });
    const convert = () => convertTfjsGraphToOnnx(modelJson, weightData, { outputNodes: ["probs"] });
    expect(convert).toThrow(ConversionError);
    expect(convert).toThrow("unsupported op 'Cumsum' (op 'Cumsum' at node 'centred')");
  });

  it("ignores unsupported ops the output does not depend on", () => {
    const { modelJson, weightData } = miniGraph({ probs: "Cumsum" });
    expect(
      convertTfjsGraphToOnnx(modelJson, weightData, { outputNodes: ["dense"] }).byteLength,
    ).toBeGreaterThan(0);
  });

  it("refuses an unknown output node and short weight data", () => {
    const { modelJson, weightData } = miniGraph();
    expect(() =>
      convertTfjsGraphToOnnx(modelJson, weightData, { outputNodes: ["logits"] }),
    ).toThrow("output node 'logits' is not in the graph");
    expect(() =>
      convertTfjsGraphToOnnx(modelJson, weightData.slice(0, 100), { outputNodes: ["probs"] }),
    ).toThrow(/weight data ends before weight/);
  });
});
