/**
 * An onnxruntime-web inference session on the wasm backend, identical in workerd and Node: one
 * thread, SIMD, no proxy worker, started from a precompiled `WebAssembly.Module` of
 * `onnxruntime-web/ort-wasm-simd-threaded.wasm`.
 *
 * ort keeps one wasm instance per isolate/process, so, like tfjs's backend (../tfjs-wasm.ts), the
 * module is bound once per isolate with `useOrtWasm`; sessions created later all run on it.
 */

import { env, InferenceSession, Tensor } from "onnxruntime-web/wasm";
import { OnnxModelError } from "./errors";
import { withPrecompiledOrtWasm } from "./precompiled-wasm";
import {
  checkSignature,
  type OnnxDtype,
  type OnnxSignature,
  signatureFromMetadata,
} from "./signature";

export type GraphOptimizationLevel = "disabled" | "basic" | "extended" | "all";

export interface OrtSessionOptions {
  /** Declared inputs/outputs (from the manifest); the model is refused unless it has them. */
  readonly signature?: OnnxSignature;
  /** Defaults to "all" (constant folding, Conv+activation fusion, layout transforms). */
  readonly graphOptimizationLevel?: GraphOptimizationLevel;
  /** Pins symbolic dimensions (e.g. `{ batch: 1 }`) so the optimiser can plan static shapes. */
  readonly freeDimensionOverrides?: Readonly<Record<string, number>>;
  /** ORT's CPU memory arena (default on): reuses freed blocks across runs. */
  readonly enableCpuMemArena?: boolean;
  /** ORT's memory pattern (default on): plans one allocation per run from the previous run's shapes. */
  readonly enableMemPattern?: boolean;
}

export type TensorData =
  | Float32Array
  | Int32Array
  | BigInt64Array
  | Int8Array
  | Uint8Array
  | Uint16Array;

export interface DenseTensor {
  readonly dtype: OnnxDtype;
  readonly data: TensorData;
  readonly dims: readonly number[];
}

export interface OrtSession {
  /** The model's real inputs and outputs. */
  readonly signature: OnnxSignature;
  /** Runs the model; fetches `outputs` (default: all of them). */
  run(
    feeds: Readonly<Record<string, DenseTensor>>,
    outputs?: readonly string[],
  ): Promise<Record<string, DenseTensor>>;
  release(): Promise<void>;
}

let boundModule: WebAssembly.Module | undefined;
let started: Promise<unknown> | undefined;

/** Binds the wasm module ort will start from (at the first session); a different one is refused. */
export function useOrtWasm(wasmModule: WebAssembly.Module): void {
  if (boundModule !== undefined && boundModule !== wasmModule) {
    throw new Error(
      "onnxruntime-web is already running another WebAssembly.Module in this isolate",
    );
  }
  boundModule = wasmModule;
}

export async function createOrtSession(
  model: Uint8Array,
  options: OrtSessionOptions = {},
): Promise<OrtSession> {
  if (boundModule === undefined) {
    throw new Error("no onnxruntime-web wasm module: call useOrtWasm first");
  }
  const session = await loadModel(boundModule, model, sessionOptions(options));
  const signature = signatureFromMetadata(session.inputMetadata, session.outputMetadata);
  if (options.signature !== undefined) {
    try {
      checkSignature(options.signature, signature);
    } catch (error) {
      await session.release();
      throw error;
    }
  }
  return wrap(session, signature);
}

async function loadModel(
  wasmModule: WebAssembly.Module,
  model: Uint8Array,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  if (model.byteLength === 0) {
    throw new OnnxModelError("unreadable-model", "ONNX model file is empty");
  }
  try {
    return await create(wasmModule, model, options);
  } catch (error) {
    if (error instanceof OnnxModelError) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new OnnxModelError("unreadable-model", `cannot load ONNX model: ${detail}`, {
      cause: error,
    });
  }
}

/** The first call starts ort's wasm runtime; later calls wait for that, then share it. */
async function create(
  wasmModule: WebAssembly.Module,
  model: Uint8Array,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  if (started === undefined) {
    env.wasm.numThreads = 1;
    env.wasm.proxy = false;
    env.wasm.simd = true;
    const first = withPrecompiledOrtWasm(wasmModule, () => InferenceSession.create(model, options));
    started = first.catch(() => undefined);
    return first;
  }
  await started;
  return InferenceSession.create(model, options);
}

function sessionOptions(options: OrtSessionOptions): InferenceSession.SessionOptions {
  return {
    executionProviders: ["wasm"],
    graphOptimizationLevel: options.graphOptimizationLevel ?? "all",
    enableCpuMemArena: options.enableCpuMemArena ?? true,
    enableMemPattern: options.enableMemPattern ?? true,
    ...(options.freeDimensionOverrides && {
      freeDimensionOverrides: { ...options.freeDimensionOverrides },
    }),
  };
}

function wrap(session: InferenceSession, signature: OnnxSignature): OrtSession {
  return {
    signature,
    async run(feeds, outputs) {
      const inputs = Object.fromEntries(
        Object.entries(feeds).map(([name, t]) => [name, new Tensor(t.dtype, t.data, t.dims)]),
      );
      const results = await session.run(inputs, outputs ?? session.outputNames);
      return Object.fromEntries(
        Object.entries(results).map(([name, t]) => [
          name,
          { dtype: t.type as OnnxDtype, data: t.data as TensorData, dims: t.dims },
        ]),
      );
    },
    release: () => session.release(),
  };
}
