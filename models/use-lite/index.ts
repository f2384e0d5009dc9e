/**
 * Universal Sentence Encoder lite text backbone. Texts are tokenised in TS (./tokenizer) and fed as a
 * sparse batch: `indices` holds [sentence, position] pairs and `values` the token ids. The graph has
 * dynamic-shape ops (Where, SparseToDense), so it runs with executeAsync.
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Backbone, BackboneDefinition, BackboneInput, ModelFiles } from "../backbone";
import {
  inputNode,
  l2Normalize,
  loadPreparedGraphModel,
  poolLayerOutput,
  readPreparedFile,
  resolveCutLayer,
  toVectors,
} from "../graph-model";
import { InputError } from "../input-error";
import { BackboneManifestSchema } from "../manifest";
import manifestJson from "./manifest.json";
import { Tokenizer, type Vocabulary } from "./tokenizer";

export const manifest = BackboneManifestSchema.parse(manifestJson);

const { preprocessing } = manifest;
if (preprocessing.kind !== "text" || preprocessing.tokenizer !== "sentencepiece-unigram") {
  throw new Error("use-lite must be a SentencePiece text backbone");
}
const vocabFile = preprocessing.vocab;
const indicesInput = inputNode(manifest, 0);
const valuesInput = inputNode(manifest, 1);

function tokenize(tokenizer: Tokenizer, inputs: BackboneInput[]): number[][] {
  return inputs.map((input, index) => {
    if (input.kind !== "text") {
      throw new InputError(
        "wrong-modality",
        `${manifest.id} embeds texts; input ${index} is ${input.kind}`,
        index,
      );
    }
    const ids = tokenizer.encode(input.text);
    if (ids.length === 0)
      throw new InputError("empty-text", `input ${index} has no text to embed`, index);
    return ids;
  });
}

/** The sparse [sentences × positions] matrix of token ids the graph takes. */
function toSparseBatch(sentences: number[][]): { indices: tf.Tensor2D; values: tf.Tensor1D } {
  const pairs: number[] = [];
  const ids: number[] = [];
  sentences.forEach((sentence, row) => {
    sentence.forEach((id, position) => {
      pairs.push(row, position);
      ids.push(id);
    });
  });
  return {
    indices: tf.tensor2d(pairs, [ids.length, 2], "int32"),
    values: tf.tensor1d(ids, "int32"),
  };
}

export async function load(files: ModelFiles): Promise<Backbone> {
  const [model, vocabBytes] = await Promise.all([
    loadPreparedGraphModel(files, manifest),
    readPreparedFile(files, manifest, vocabFile),
  ]);
  const tokenizer = new Tokenizer(JSON.parse(new TextDecoder().decode(vocabBytes)) as Vocabulary);
  return {
    manifest,
    async embed(inputs, options) {
      const layer = resolveCutLayer(manifest, options?.layer);
      const sentences = tokenize(tokenizer, inputs);
      if (sentences.length === 0) return [];
      const { indices, values } = toSparseBatch(sentences);
      let output: tf.Tensor | undefined;
      try {
        output = (await model.executeAsync(
          { [indicesInput]: indices, [valuesInput]: values },
          layer.node,
        )) as tf.Tensor;
        const layerOutput = output;
        return await toVectors(tf.tidy(() => l2Normalize(poolLayerOutput(layerOutput, layer))));
      } finally {
        indices.dispose();
        values.dispose();
        output?.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}

export const useLite: BackboneDefinition = { manifest, load };
