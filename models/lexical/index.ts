/**
 * The lexical text baseline as a backbone: hashed word and character n-grams (./hashed-ngrams) with
 * the parameters its manifest records. There are no weights, so it needs no files and no wasm; its
 * `weightsHash` is the sha256 of those parameters as JSON, checked at load like a weights file, so
 * heads pin the parameters as they pin a network's weights.
 */

import {
  type Backbone,
  type BackboneDefinition,
  type BackboneInput,
  embedAtOneLayer,
} from "../backbone";
import { resolveCutLayer } from "../cut-layer";
import { InputError } from "../input-error";
import { type BackboneManifest, BackboneManifestSchema } from "../manifest";
import { type HashedNgramParameters, hashedNgramsFolded } from "./hashed-ngrams";
import manifestJson from "./manifest.json";

export const manifest = BackboneManifestSchema.parse(manifestJson);

function parametersOf(backbone: BackboneManifest): HashedNgramParameters {
  const { preprocessing } = backbone;
  if (preprocessing.kind !== "text" || preprocessing.tokenizer !== "hashed-ngrams") {
    throw new Error(`${backbone.id} must be a hashed-ngrams text backbone`);
  }
  return preprocessing.parameters;
}

const parameters = parametersOf(manifest);

/** The sha256 that stands for the weights: of the parameters as JSON, in the manifest's key order. */
export async function parametersHash(of: HashedNgramParameters): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(of));
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function textOf(input: BackboneInput, index: number): string {
  if (input.kind !== "text") {
    throw new InputError(
      "wrong-modality",
      `${manifest.id} embeds texts; input ${index} is ${input.kind}`,
      index,
    );
  }
  if (input.text.trim() === "") {
    throw new InputError("empty-text", `input ${index} has no text to embed`, index);
  }
  return input.text;
}

export async function load(): Promise<Backbone> {
  const actual = await parametersHash(parameters);
  if (actual !== manifest.weightsHash) {
    throw new Error(
      `${manifest.id}: its parameters hash to ${actual}, the manifest's weightsHash is ${manifest.weightsHash}`,
    );
  }
  // Every layer is the n-grams at its own bucket count (dim / 2 a half), from one pass per text.
  const embedLayers: Backbone["embedLayers"] = async (inputs, names) => {
    const buckets = names.map((name) => resolveCutLayer(manifest, name).dim / 2);
    const perInput = inputs.map((input, index) =>
      hashedNgramsFolded(textOf(input, index), parameters, buckets),
    );
    return names.map((_, k) => perInput.map((layers) => layers[k] as Float32Array));
  };
  return {
    manifest,
    embed: embedAtOneLayer(manifest, embedLayers),
    embedLayers,
    dispose() {},
  };
}

export const lexical: BackboneDefinition = { manifest, load };
