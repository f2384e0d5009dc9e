/**
 * A trained finetune head as it is stored and served: the tenant's tuned top (int8 kernel with
 * per-channel scales, float32 bias), the fixed scaler, the classifier, temperature and abstain
 * threshold. It predicts from the backbone's cut activations (body → cut → this top → classifier).
 *
 * Bytes (little-endian): "EAFT" | u32 version | u32 length L of an EAHD container (header and all
 * float32 arrays, serialization/container) | L bytes | the int8 kernel, O × C. The int8 part is
 * outside the float32 container because that is what keeps the top small: 0.4 MiB for
 * MobileNetV2 1.0, 0.8 MiB for 1.4, far under KV's 25 MiB value limit.
 */

import { HeadInputError } from "../errors";
import { rankedPredictions } from "../heads/adapter-head";
import { softmaxWithTemperature } from "../linalg/softmax";
import { corrupt, decodeContainer, encodeContainer } from "../serialization/container";
import type { BackboneRef, Prediction, PredictOptions } from "../types";
import { memorySource } from "./activation-source";
import { topLayout } from "./layout";
import { dequantiseInt8, quantisedTop, quantiseInt8 } from "./quantise";
import { type TopModel, topLogits } from "./top-model";

const MAGIC = "EAFT";
const VERSION = 1;
const PREFIX_BYTES = 12;
export const FINETUNE_HEAD_TYPE = "finetune";

export interface FinetuneHeadParts {
  /** The backbone whose cut activations it reads; `dim` is the embedding dim of the top's output. */
  backbone: BackboneRef;
  labels: string[];
  model: TopModel;
  temperature: number;
  abstainThreshold: number | null;
}

export class FinetuneHead {
  readonly headType = FINETUNE_HEAD_TYPE;
  readonly backbone: BackboneRef;
  readonly labels: string[];
  readonly model: TopModel;
  readonly temperature: number;
  readonly abstainThreshold: number | null;

  /**
   * Built from trained parts, the top is quantised at once, so the head serves what it stores; parts
   * decoded from storage (`quantised`) already are.
   */
  constructor(parts: FinetuneHeadParts, quantised = false) {
    this.backbone = parts.backbone;
    this.labels = parts.labels;
    this.temperature = parts.temperature;
    this.abstainThreshold = parts.abstainThreshold;
    this.model = quantised ? parts.model : quantisedTop(parts.model, "int8");
  }

  /** Floats of one input: the cut feature map, H·W·C. */
  get inputLength(): number {
    return this.model.layout.positions * this.model.layout.inChannels;
  }

  predict(maps: Float32Array[], opts: PredictOptions = {}): Prediction[] {
    const bad = maps.findIndex(
      (map) => !(map instanceof Float32Array) || map.length !== this.inputLength,
    );
    if (bad >= 0) {
      throw new HeadInputError(
        "wrong-dimension",
        `input ${bad} is not a ${this.inputLength}-value cut feature map`,
      );
    }
    const logits = topLogits(
      this.model,
      memorySource(maps, this.inputLength),
      Int32Array.from(maps, (_, i) => i),
    );
    return rankedPredictions(
      softmaxWithTemperature(logits, this.temperature),
      this.labels,
      this.abstainThreshold,
      opts,
    );
  }

  serialize(): Uint8Array {
    const { layout, scaling, theta } = this.model;
    const { values, scales } = quantiseInt8(
      theta.subarray(layout.topKernel, layout.topBias),
      layout.outChannels,
      layout.inChannels,
    );
    const container = encodeContainer({
      header: {
        headType: FINETUNE_HEAD_TYPE,
        backbone: this.backbone,
        labels: this.labels,
        temperature: this.temperature,
        abstainThreshold: this.abstainThreshold,
        top: {
          positions: layout.positions,
          inChannels: layout.inChannels,
          outChannels: layout.outChannels,
        },
      },
      arrays: [
        { name: "top.scales", values: scales },
        {
          name: "top.bias",
          values: Float32Array.from(theta.subarray(layout.topBias, layout.classKernel)),
        },
        { name: "scaler.mean", values: Float32Array.from(scaling.mean) },
        { name: "scaler.scale", values: Float32Array.from(scaling.scale) },
        {
          name: "classifier.kernel",
          values: Float32Array.from(theta.subarray(layout.classKernel, layout.classBias)),
        },
        { name: "classifier.bias", values: Float32Array.from(theta.subarray(layout.classBias)) },
      ],
    });
    const bytes = new Uint8Array(PREFIX_BYTES + container.length + values.length);
    bytes.set(new TextEncoder().encode(MAGIC), 0);
    const view = new DataView(bytes.buffer);
    view.setUint32(4, VERSION, true);
    view.setUint32(8, container.length, true);
    bytes.set(container, PREFIX_BYTES);
    bytes.set(new Uint8Array(values.buffer), PREFIX_BYTES + container.length);
    return bytes;
  }
}

export function isFinetuneHead(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && new TextDecoder().decode(bytes.subarray(0, 4)) === MAGIC;
}

export function decodeFinetuneHead(bytes: Uint8Array, expected: BackboneRef): FinetuneHead {
  if (!isFinetuneHead(bytes) || bytes.length < PREFIX_BYTES) corrupt("not a finetune head");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(4, true) !== VERSION) corrupt("unsupported finetune head version");
  const length = view.getUint32(8, true);
  if (PREFIX_BYTES + length > bytes.length) corrupt("container runs past the end");
  const { header, arrays } = decodeContainer(bytes.slice(PREFIX_BYTES, PREFIX_BYTES + length));
  const backbone = header.backbone as BackboneRef;
  if (
    backbone?.id !== expected.id ||
    backbone.weightsHash !== expected.weightsHash ||
    backbone.dim !== expected.dim
  ) {
    throw new HeadInputError(
      "backbone-mismatch",
      `head was trained on ${backbone?.id}, not ${expected.id}; retrain it for this backbone`,
    );
  }
  const top = header.top as { positions: number; inChannels: number; outChannels: number };
  const labels = header.labels as string[];
  const layout = topLayout(top.positions, top.inChannels, top.outChannels, labels.length);
  const kernelBytes = bytes.subarray(PREFIX_BYTES + length);
  if (kernelBytes.length !== top.outChannels * top.inChannels)
    corrupt("top kernel has the wrong size");
  const array = (name: string, size: number) => {
    const values = arrays.get(name);
    if (!values || values.length !== size) corrupt(`array ${name} missing or of the wrong size`);
    return values;
  };
  const theta = new Float64Array(layout.size);
  theta.set(
    dequantiseInt8(
      {
        values: new Int8Array(kernelBytes.slice().buffer),
        scales: array("top.scales", top.outChannels),
      },
      top.inChannels,
    ),
    layout.topKernel,
  );
  theta.set(array("top.bias", top.outChannels), layout.topBias);
  theta.set(array("classifier.kernel", labels.length * top.outChannels), layout.classKernel);
  theta.set(array("classifier.bias", labels.length), layout.classBias);
  return new FinetuneHead(
    {
      backbone,
      labels,
      temperature: header.temperature as number,
      abstainThreshold: header.abstainThreshold as number | null,
      model: {
        layout,
        theta,
        scaling: {
          mean: Float64Array.from(array("scaler.mean", top.outChannels)),
          scale: Float64Array.from(array("scaler.scale", top.outChannels)),
        },
      },
    },
    true,
  );
}
