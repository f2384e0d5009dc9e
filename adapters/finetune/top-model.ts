/**
 * A finetune network's parameters with their fixed parts (layout, scaler), and inference over
 * samples streamed from a source in bounded chunks.
 */

import { type Matrix, zeros } from "../linalg/matrix";
import type { CutActivationSource } from "./activation-source";
import type { TopLayout } from "./layout";
import { forwardFlops, TopActivations, type TopScaling } from "./top-network";

/** Samples per forward pass at inference: bounds the B·P × O pre-activation buffer. */
export const INFERENCE_CHUNK = 16;

export interface TopModel {
  layout: TopLayout;
  scaling: TopScaling;
  theta: Float64Array;
}

/** Logits of samples `indices` (N × K). */
export function topLogits(
  model: TopModel,
  source: CutActivationSource,
  indices: Int32Array,
): Matrix {
  const k = model.layout.classCount;
  const logits = zeros(indices.length, k);
  forEachChunk(model, source, indices, (network, start, rows) => {
    logits.data.set(network.logits.subarray(0, rows * k), start * k);
  });
  return logits;
}

/**
 * The embeddings the top's output layer gives (pooled, L2-normalised; N × O) for samples `indices`:
 * with the pretrained top, what a frozen head is trained on.
 */
export function topEmbeddings(
  model: TopModel,
  source: CutActivationSource,
  indices: Int32Array,
): Matrix {
  const o = model.layout.outChannels;
  const embeddings = zeros(indices.length, o);
  forEachChunk(model, source, indices, (network, start, rows) => {
    embeddings.data.set(network.normalised.subarray(0, rows * o), start * o);
  });
  return embeddings;
}

export function inferenceFlops(layout: TopLayout, samples: number): number {
  return samples * forwardFlops(layout);
}

/** Runs the network over `indices`, INFERENCE_CHUNK samples at a time. */
function forEachChunk(
  model: TopModel,
  source: CutActivationSource,
  indices: Int32Array,
  visit: (network: TopActivations, start: number, rows: number) => void,
): void {
  const network = new TopActivations(model.layout, INFERENCE_CHUNK);
  for (let start = 0; start < indices.length; start += INFERENCE_CHUNK) {
    const chunk = indices.subarray(start, start + INFERENCE_CHUNK);
    network.forward(model.theta, model.scaling, source, chunk);
    visit(network, start, chunk.length);
  }
}
