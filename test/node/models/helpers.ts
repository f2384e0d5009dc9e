/**
 * Shared set-up for the model tests: the runtime layer's Node host (tfjs wasm backend from the
 * precompiled module, prepared files from models/dist), loaded once per test file.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BACKBONES, type Backbone } from "../../../models";
import { nodeHost } from "../../../src/runtime/node";
import { useTfjsWasm } from "../../../src/runtime/tfjs-wasm";

const MODELS_DIR = fileURLToPath(new URL("../../../models", import.meta.url));

export function modelsDir(): string {
  return MODELS_DIR;
}

/** models/dist/<id>: written by `npm run models`. */
export function preparedDir(id: string): string {
  return join(MODELS_DIR, "dist", id);
}

export async function loadBackbone(id: string): Promise<Backbone> {
  const definition = BACKBONES[id];
  if (!definition) throw new Error(`unknown backbone ${id}`);
  const host = await nodeHost();
  await useTfjsWasm(host.tfjsWasm);
  return definition.load(host.modelFiles(id));
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  return dot / Math.sqrt(aa * bb);
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return max;
}

export function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((total, value) => total + value * value, 0));
}
