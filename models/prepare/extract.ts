/**
 * Turning each package's on-disk layout into one tfjs model (a graph, or a Keras model for
 * tfjs-layers: both are a model JSON with a weights manifest): the JSON and its weight shards in
 * manifest order (plus files copied as they are, such as a vocabulary).
 */

import { createRequire } from "node:module";
import type { VerifiedFiles } from "./package-files";

export interface GraphModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
  [key: string]: unknown;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; [key: string]: unknown };
}

export interface ExtractedModel {
  model: GraphModelJson;
  /** One entry per path of weightsManifest, groups in order. */
  shards: Uint8Array[];
  copies: { path: string; bytes: Uint8Array }[];
}

export type Extractor = (files: VerifiedFiles) => Promise<ExtractedModel>;

const require = createRequire(import.meta.url);

function shardPaths(model: GraphModelJson): string[] {
  return model.weightsManifest.flatMap((group) => group.paths);
}

/**
 * nsfwjs ships each file as a UMD bundle: `model.min.js` exports the model JSON object and
 * `<shard>.min.js` exports the shard's bytes as a base64 string.
 */
export const umdBundles: Extractor = async (files) => {
  const model = require(await files.path("model.min.js")) as GraphModelJson;
  const shards: Uint8Array[] = [];
  for (const shard of shardPaths(model)) {
    const base64 = require(await files.path(`${shard}.min.js`)) as unknown;
    if (typeof base64 !== "string")
      throw new Error(`${shard}.min.js does not export a base64 string`);
    shards.push(new Uint8Array(Buffer.from(base64, "base64")));
  }
  return { model, shards, copies: [] };
};

/** A plain tfjs export: model.json next to its binary shards, plus named files copied unchanged. */
export function modelFolder(copied: readonly string[]): Extractor {
  return async (files) => {
    const model = JSON.parse(
      new TextDecoder().decode(await files.bytes("model.json")),
    ) as GraphModelJson;
    const shards: Uint8Array[] = [];
    for (const shard of shardPaths(model)) shards.push(await files.bytes(shard));
    const copies: ExtractedModel["copies"] = [];
    for (const path of copied) copies.push({ path, bytes: await files.bytes(path) });
    return { model, shards, copies };
  };
}
