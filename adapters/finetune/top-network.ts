/**
 * The finetune head's network, forward and backward, by hand like the MLP's (no autograd engine):
 *
 *   pre = X Wᵀ + b        the 1×1 convolution as a matrix product over the B·P positions
 *   u   = mean_p relu6(pre)
 *   z   = u / ‖u‖         the L2 normalisation every backbone applies to its embeddings
 *   s   = (z − μ) / σ     the frozen head's (fixed) standard scaler
 *   logits = s Vᵀ + c
 *
 * With the pretrained W, b this is exactly the frozen backbone's pooled embedding followed by a
 * frozen head's scaler and linear classifier, which is what makes "0 steps of finetuning" equal
 * the frozen head.
 *
 * The convolution runs CHUNK_SAMPLES samples at a time (forward, and the weight gradient backward),
 * each chunk's cut activations read from the source as it starts (again for the backward pass), so
 * the float64 inputs and pre-activations, and the matrix kernel's copies of them, take a chunk's
 * room rather than a batch's (11 MB at batch 16 for width 1.4); between the passes only which
 * units were active (one bit each) is kept.
 */

import { addTransposedProduct, multiplyByTransposed } from "../linalg/gemm";
import { softmaxInPlace } from "../linalg/softmax";
import { axpy, dot, type FloatArray } from "../linalg/vector";
import type { CutActivationSource } from "./activation-source";
import { sampleLength, type TopLayout } from "./layout";

/** The frozen head's standard scaler over the pooled, normalised embedding (kept fixed). */
export interface TopScaling {
  mean: Float64Array;
  scale: Float64Array;
}

/** The same floor as the backbones' l2Normalize, so an all-zero embedding stays zero. */
const NORM_FLOOR = 1e-12;
const RELU6_CAP = 6;
/** Samples per matrix product: 4 × 49 positions keep the product efficient. */
export const CHUNK_SAMPLES = 4;

/** Buffers for up to `capacity` samples, reused across minibatches. */
export class TopActivations {
  /** Pre-activations of the last chunk (of the whole batch when it fits one), chunk·P × O. */
  readonly pre: Float64Array;
  /** One chunk's cut activations, chunk·P × C. */
  private readonly inputs: Float64Array;
  /** Bit set where 0 < pre < 6 (the ReLU6 passes a gradient), B·P × O bits. */
  private readonly active: Uint8Array;
  /** Scaled embeddings s, B × O. */
  readonly scaled: Float64Array;
  /** Normalised embeddings z, B × O. */
  readonly normalised: Float64Array;
  readonly norms: Float64Array;
  /** Logits, B × K; after `backward`, their gradient. */
  readonly logits: Float64Array;
  private readonly embeddingDelta: Float64Array;

  constructor(
    readonly layout: TopLayout,
    readonly capacity: number,
  ) {
    const { positions: p, outChannels: o, classCount: k } = layout;
    const chunk = Math.min(capacity, CHUNK_SAMPLES);
    this.pre = new Float64Array(chunk * p * o);
    this.inputs = new Float64Array(chunk * sampleLength(layout));
    this.active = new Uint8Array(Math.ceil((capacity * p * o) / 8));
    this.scaled = new Float64Array(capacity * o);
    this.normalised = new Float64Array(capacity * o);
    this.norms = new Float64Array(capacity);
    this.logits = new Float64Array(capacity * k);
    this.embeddingDelta = new Float64Array(capacity * o);
  }

  /** Logits for the samples `indices` of `source` (at most `capacity` of them). */
  forward(
    theta: FloatArray,
    scaling: TopScaling,
    source: CutActivationSource,
    indices: Int32Array,
  ): void {
    const { layout, pre, active, normalised, scaled } = this;
    const { positions: p, outChannels: o, classCount: k } = layout;
    const rows = indices.length;
    const kernel = theta.subarray(layout.topKernel, layout.topBias);
    active.fill(0, 0, Math.ceil((rows * p * o) / 8));
    for (let first = 0; first < rows; first += CHUNK_SAMPLES) {
      const count = Math.min(CHUNK_SAMPLES, rows - first);
      const X = this.read(source, indices, first, count);
      multiplyByTransposed(X, kernel, count * p, o, layout.inChannels, pre);
      for (let i = first; i < first + count; i++) {
        const embedding = i * o;
        normalised.fill(0, embedding, embedding + o);
        for (let q = 0; q < p; q++) {
          const at = ((i - first) * p + q) * o;
          const position = (i * p + q) * o;
          for (let u = 0; u < o; u++) {
            const value = (pre[at + u] as number) + (theta[layout.topBias + u] as number);
            pre[at + u] = value;
            if (value > 0 && value < RELU6_CAP) {
              const bit = position + u;
              active[bit >> 3] = (active[bit >> 3] as number) | (1 << (bit & 7));
            }
            const activated = Math.min(Math.max(value, 0), RELU6_CAP);
            normalised[embedding + u] = (normalised[embedding + u] as number) + activated;
          }
        }
      }
    }
    for (let i = 0; i < rows; i++) {
      const embedding = i * o;
      for (let u = 0; u < o; u++)
        normalised[embedding + u] = (normalised[embedding + u] as number) / p;
      const norm = Math.max(
        Math.sqrt(dot(normalised, embedding, normalised, embedding, o)),
        NORM_FLOOR,
      );
      this.norms[i] = norm;
      for (let u = 0; u < o; u++) {
        const z = (normalised[embedding + u] as number) / norm;
        normalised[embedding + u] = z;
        scaled[embedding + u] = (z - (scaling.mean[u] as number)) / (scaling.scale[u] as number);
      }
    }
    multiplyByTransposed(
      scaled,
      theta.subarray(layout.classKernel, layout.classBias),
      rows,
      k,
      o,
      this.logits,
    );
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < k; j++) {
        this.logits[i * k + j] =
          (this.logits[i * k + j] as number) + (theta[layout.classBias + j] as number);
      }
    }
  }

  /**
   * After `forward` on the same samples: adds the gradient of their cross-entropy, summed and divided
   * by `meanOver` (their count, or their minibatch's when they are a slice of it), to `grad`, and
   * returns their mean loss. Backpropagation through the chain in the header:
   *   dlogits = (P − Y) / B (B = `meanOver`);  gV = dlogitsᵀ s;  ds = dlogits V;  dz = ds / σ;
   *   du = (dz − z (z·dz)) / ‖u‖;  dpre = du / P where 0 < pre < 6;  gW = dpreᵀ X;  gb = Σ dpre.
   * `pre` then holds the last chunk's dpre.
   */
  backward(
    theta: FloatArray,
    scaling: TopScaling,
    source: CutActivationSource,
    indices: Int32Array,
    labels: ArrayLike<number>,
    grad: FloatArray,
    meanOver = indices.length,
  ): number {
    const { layout, pre, active, logits, normalised } = this;
    const { positions: p, inChannels: c, outChannels: o, classCount: k } = layout;
    const rows = indices.length;
    const delta = this.embeddingDelta;
    let loss = 0;
    for (let i = 0; i < rows; i++) {
      const label = labels[i] as number;
      const trueLogit = logits[i * k + label] as number;
      loss += softmaxInPlace(logits, i * k, k) - trueLogit;
      logits[i * k + label] = (logits[i * k + label] as number) - 1;
      for (let j = 0; j < k; j++) logits[i * k + j] = (logits[i * k + j] as number) / meanOver;
    }
    addTransposedProduct(
      logits,
      this.scaled,
      rows,
      k,
      o,
      grad.subarray(layout.classKernel, layout.classBias),
    );
    delta.fill(0, 0, rows * o);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < k; j++) {
        const d = logits[i * k + j] as number;
        grad[layout.classBias + j] = (grad[layout.classBias + j] as number) + d;
        axpy(d, theta, layout.classKernel + j * o, delta, i * o, o);
      }
      const embedding = i * o;
      for (let u = 0; u < o; u++) {
        delta[embedding + u] = (delta[embedding + u] as number) / (scaling.scale[u] as number);
      }
      const projection = dot(normalised, embedding, delta, embedding, o);
      const factor = 1 / ((this.norms[i] as number) * p);
      for (let u = 0; u < o; u++) {
        delta[embedding + u] =
          ((delta[embedding + u] as number) - (normalised[embedding + u] as number) * projection) *
          factor;
      }
    }
    const kernelGrad = grad.subarray(layout.topKernel, layout.topBias);
    for (let first = 0; first < rows; first += CHUNK_SAMPLES) {
      const count = Math.min(CHUNK_SAMPLES, rows - first);
      for (let i = first; i < first + count; i++) {
        const embedding = i * o;
        for (let q = 0; q < p; q++) {
          const at = ((i - first) * p + q) * o;
          const position = (i * p + q) * o;
          for (let u = 0; u < o; u++) {
            const bit = position + u;
            const on = ((active[bit >> 3] as number) >> (bit & 7)) & 1;
            const d = on ? (delta[embedding + u] as number) : 0;
            pre[at + u] = d;
            grad[layout.topBias + u] = (grad[layout.topBias + u] as number) + d;
          }
        }
      }
      addTransposedProduct(
        pre,
        this.read(source, indices, first, count),
        count * p,
        o,
        c,
        kernelGrad,
      );
    }
    return loss / rows;
  }

  /** The cut activations of samples first … first + count − 1 of `indices`. */
  private read(
    source: CutActivationSource,
    indices: Int32Array,
    first: number,
    count: number,
  ): Float64Array {
    source.read(indices.subarray(first, first + count), this.inputs);
    return this.inputs;
  }
}

/** Multiply-adds ×2 of one sample's forward pass (the backward pass costs about as much again). */
export function forwardFlops(layout: TopLayout): number {
  const { positions: p, inChannels: c, outChannels: o, classCount: k } = layout;
  return 2 * (p * c * o + o * k);
}
