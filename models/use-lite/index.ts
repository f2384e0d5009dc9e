/**
 * Universal Sentence Encoder lite text backbone. Texts are tokenised in TS (./tokenizer) and fed as a
 * sparse batch: `indices` holds [sentence, position] pairs and `values` the token ids. The graph has
 * dynamic-shape ops (Where, SparseToDense), so it runs with executeAsync.
 */

import * as tf from "@tensorflow/tfjs-core";
import {
  type Backbone,
  type BackboneDefinition,
  type BackboneInput,
  embedAtOneLayer,
  type ModelFiles,
} from "../backbone";
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
  const embedLayers: Backbone["embedLayers"] = async (inputs, names) => {
    const layers = names.map((name) => resolveCutLayer(manifest, name));
    const sentences = tokenize(tokenizer, inputs);
    if (sentences.length === 0) return layers.map(() => []);
    const { indices, values } = toSparseBatch(sentences);
    const nodes = [...new Set(layers.map((layer) => layer.node))];
    let outputs: tf.Tensor[] = [];
    try {
      const executed = await model.executeAsync(
        { [indicesInput]: indices, [valuesInput]: values },
        nodes,
      );
      // A one-element list of outputs still comes back as a single tensor.
      outputs = Array.isArray(executed) ? executed : [executed];
      const vectors: Float32Array[][] = [];
      for (const layer of layers) {
        const output = outputs[nodes.indexOf(layer.node)] as tf.Tensor;
        vectors.push(await toVectors(tf.tidy(() => l2Normalize(poolLayerOutput(output, layer)))));
      }
      return vectors;
    } finally {
      indices.dispose();
      values.dispose();
      for (const output of outputs) output.dispose();
    }
  };
  return {
    manifest,
    embed: embedAtOneLayer(manifest, embedLayers),
    embedLayers,
    dispose: () => model.dispose(),
  };
}

export const useLite: BackboneDefinition = { manifest, load };
