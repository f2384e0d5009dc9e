/**
 * The MobileNetV2 runners compared by the benchmark, each fed the same preprocessed NHWC batch and
 * timed on the network alone (no image decoding or normalisation):
 * - onnxruntime-web (wasm, SIMD, one thread) through src/runtime/ort, in several session settings;
 * - onnxruntime-node (native CPU) with one intra-op thread: the reference;
 * - tfjs with the wasm backend, the graph model that BACKBONES["mobilenet-v2"] loads.
 */

import * as tf from "@tensorflow/tfjs-core";
import * as ortNode from "onnxruntime-node";
import { loadPreparedGraphModel } from "../../models/graph-model";
import { nodeHost } from "../../src/runtime/node";
import { createOrtSession, type OrtSessionOptions, useOrtWasm } from "../../src/runtime/ort";
import { compileOrtWasm } from "../../src/runtime/ort/node-wasm";
import { useTfjsWasm } from "../../src/runtime/tfjs-wasm";
import { mobilenetManifest } from "../../test/fixtures/onnx/mobilenet-v2";

export interface Runner {
  infer(images: Float32Array, batch: number): Promise<Float32Array>;
}

export interface RunnerContext {
  /** The float model, or its int8 QDQ copy for runners that ask for it (RunnerDefinition.model). */
  readonly onnx: Uint8Array;
  readonly outputNode: string;
  readonly batch: number;
}

const dims = (batch: number) => [batch, 224, 224, 3];

/** ort keeps one wasm instance per process, so every ort-web session shares one module. */
let ortWasm: Promise<void> | undefined;

function startOrtWasm(): Promise<void> {
  ortWasm ??= compileOrtWasm().then(useOrtWasm);
  return ortWasm;
}

function ortWeb(options: (batch: number) => OrtSessionOptions) {
  return async ({ onnx, outputNode, batch }: RunnerContext): Promise<Runner> => {
    await startOrtWasm();
    const session = await createOrtSession(onnx, options(batch));
    return {
      async infer(images, n) {
        const result = await session.run(
          { input: { dtype: "float32", data: images, dims: dims(n) } },
          [outputNode],
        );
        return result[outputNode]?.data as Float32Array;
      },
    };
  };
}

async function ortNative({ onnx, outputNode }: RunnerContext): Promise<Runner> {
  const session = await ortNode.InferenceSession.create(onnx, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
  });
  return {
    async infer(images, n) {
      const result = await session.run({ input: new ortNode.Tensor("float32", images, dims(n)) }, [
        outputNode,
      ]);
      return result[outputNode]?.data as Float32Array;
    },
  };
}

async function tfjsWasm({ outputNode }: RunnerContext): Promise<Runner> {
  const host = await nodeHost();
  await useTfjsWasm(host.tfjsWasm);
  const model = await loadPreparedGraphModel(host.modelFiles("mobilenet-v2"), mobilenetManifest());
  return {
    async infer(images, n) {
      const input = tf.tensor4d(images, [n, 224, 224, 3]);
      const output = model.execute({ input }, outputNode) as tf.Tensor;
      const data = (await output.data()) as Float32Array;
      tf.dispose([input, output]);
      return data;
    },
  };
}

export interface RunnerDefinition {
  /** Which ONNX model the runner gets: the converted float one, or its int8 QDQ copy. */
  readonly model: "float32" | "int8";
  readonly create: (context: RunnerContext) => Promise<Runner>;
}

const float32 = (create: RunnerDefinition["create"]): RunnerDefinition => ({
  model: "float32",
  create,
});
const pinned = (batch: number) => ({ freeDimensionOverrides: { batch } });

export const RUNNERS: Readonly<Record<string, RunnerDefinition>> = {
  "onnxruntime-node (native, 1 thread)": float32(ortNative),
  "onnxruntime-web wasm (opt all)": float32(ortWeb(() => ({ graphOptimizationLevel: "all" }))),
  "onnxruntime-web wasm (opt all, batch pinned)": float32(
    ortWeb((batch) => ({ graphOptimizationLevel: "all", ...pinned(batch) })),
  ),
  "onnxruntime-web wasm (opt all, batch pinned, no memory arena)": float32(
    ortWeb((batch) => ({ ...pinned(batch), enableCpuMemArena: false })),
  ),
  "onnxruntime-web wasm (opt all, batch pinned, no memory pattern)": float32(
    ortWeb((batch) => ({ ...pinned(batch), enableMemPattern: false })),
  ),
  "onnxruntime-web wasm (opt extended, batch pinned)": float32(
    ortWeb((batch) => ({ graphOptimizationLevel: "extended", ...pinned(batch) })),
  ),
  "onnxruntime-web wasm (opt basic)": float32(ortWeb(() => ({ graphOptimizationLevel: "basic" }))),
  "onnxruntime-web wasm (opt disabled)": float32(
    ortWeb(() => ({ graphOptimizationLevel: "disabled" })),
  ),
  "onnxruntime-web wasm (int8 QDQ, opt all, batch pinned)": {
    model: "int8",
    create: ortWeb((batch) => ({ graphOptimizationLevel: "all", ...pinned(batch) })),
  },
  "tfjs-wasm (graph model)": float32(tfjsWasm),
};

export const NATIVE = "onnxruntime-node (native, 1 thread)";
