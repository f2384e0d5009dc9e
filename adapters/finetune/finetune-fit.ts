/**
 * Finetuning the top and the classifier together, as a resumable process of bounded units (a slice
 * of a minibatch, or a chunk of the validation pass, of SLICE_SAMPLES samples each):
 *
 * - starts from the pretrained top and the frozen head's classifier, so epoch 0 IS the frozen head;
 * - Adam with a small learning rate on the top and a larger one on the classifier;
 * - L2-SP (Li et al. 2018): (α/2)‖W − W₀‖² pulls the top's kernel towards its pretrained W₀, and
 *   (β/2)‖V‖² is the classifier's plain L2, so the head drifts only as far as the data pays for;
 * - after each epoch (and before the first) the validation loss; the best epoch's weights are kept
 *   and training stops after `patience` epochs without a lower loss. When no epoch beats epoch 0,
 *   the result is the frozen head unchanged.
 *
 * Everything random comes from one seeded generator, and the whole state is a checkpoint, so a
 * resumed fit ends with the same weights as one that never stopped. The trained weights, Adam's
 * moments and the minibatch gradient are float32 (each step rounds them as it stores them; the
 * products run in float64 on those values), so the checkpoint holds the state exactly in half the
 * bytes, and the fit's per-parameter buffers take 4 bytes each (width 1.4: 3.3 MB each). Until the
 * first step the network reads the starting weights as given (float64), so epoch 0 is validated on
 * them exactly; the first step makes the float32 state from them and lets them go. The network
 * reads the weights as they are (no float64 copy), and L2-SP pulls towards the pretrained kernel as
 * the caller holds it (the backbone's float32 weights).
 */

import { arrayOf, type FitCheckpoint, type FitProcess, scalarOf } from "../fit-process";
import { releaseKernelMemory } from "../linalg/gemm";
import { axpy, type FloatArray } from "../linalg/vector";
import { SeededRandom } from "../random";
import { ADAM_DEFAULTS, Adam } from "../solvers/adam";
import type { CutActivationSource } from "./activation-source";
import type { TopLayout } from "./layout";
import type { TopModel } from "./top-model";
import { CHUNK_SAMPLES, forwardFlops, TopActivations, type TopScaling } from "./top-network";

/**
 * Samples per unit of work: the network's chunk. A whole minibatch of width 1.4 (16 samples forward
 * and backward, about 2.5·10⁹ operations) took 0.5 s in one piece, during which the isolate served
 * nothing else (other requests waited 20–40× longer under `npm start`); a slice is a quarter of it.
 * The minibatch's gradient adds up over its slices (the samples are independent: no batch statistics)
 * and the weights move once it is whole, so the result is the same as in one piece.
 */
const SLICE_SAMPLES = CHUNK_SAMPLES;

export interface FinetuneParams {
  topLearningRate: number;
  classifierLearningRate: number;
  /** α: strength of the pull of the top's kernel towards its pretrained value. */
  l2sp: number;
  /** β: L2 on the classifier's kernel. */
  classifierDecay: number;
  batchSize: number;
  maxEpochs: number;
  patience: number;
  seed: number;
}

export const FINETUNE_DEFAULTS: FinetuneParams = {
  topLearningRate: 1e-5,
  classifierLearningRate: 1e-4,
  l2sp: 0.01,
  classifierDecay: 1e-4,
  batchSize: 16,
  maxEpochs: 20,
  patience: 3,
  seed: 0,
};

export interface LabelledIndices {
  indices: Int32Array;
  y: Int32Array;
}

export interface FinetuneData {
  source: CutActivationSource;
  train: LabelledIndices;
  validation: LabelledIndices;
}

export interface EpochRecord {
  epoch: number;
  validationLoss: number;
  validationAccuracy: number;
}

export interface FinetuneOutcome {
  /** The kept epoch's weights; null when no epoch beat the start (whose weights are the result). */
  theta: Float32Array | null;
  /** The kept epoch's validation logits (validation order × K), for calibration. */
  validationLogits: Float64Array;
  /** The kept epoch; 0 means no epoch beat the frozen start. */
  bestEpoch: number;
  history: EpochRecord[];
}

type Phase = "train" | "validate" | "done";

/** A FitCheckpoint whose weights and moments are float32, stored as such (checkpoint-codec). */
export interface FinetuneFitCheckpoint extends FitCheckpoint {
  weights: Record<string, Float32Array>;
}

/** What training holds from its first step on. */
interface TrainingState {
  /** The trained weights. */
  weights: Float32Array;
  topAdam: Adam<Float32Array>;
  classifierAdam: Adam<Float32Array>;
}

export class FinetuneFit implements FitProcess {
  private readonly layout: TopLayout;
  private readonly scaling: TopScaling;
  /** The start's weights, until the first step. */
  private startTheta: Float64Array | null;
  private training: TrainingState | null = null;
  private readonly random: SeededRandom;
  private readonly order: number[];
  private readonly labels: Int32Array;
  private phase: Phase = "validate";
  private epoch = 0;
  private cursor = 0;
  /** Samples of the minibatch at `cursor` already in `batchGrad`. */
  private slice = 0;
  /** The gradient of the minibatch in progress (3.3 MB for width 1.4); null between minibatches. */
  private batchGrad: Float32Array | null = null;
  private validationLoss = 0;
  private validationCorrect = 0;
  private history: EpochRecord[] = [];
  private readonly validationLogits: Float64Array;
  /** The kept epoch; its weights are the starting ones (null) at epoch 0. */
  private best: { loss: number; epoch: number; weights: Float32Array | null; logits: Float64Array };

  /**
   * `pretrainedKernel` (O × C): what L2-SP pulls the top's kernel towards; by default the start's
   * own, which a caller holding the pretrained top anyway passes instead, so as not to keep the
   * start's float64 weights alive.
   */
  constructor(
    start: TopModel,
    private readonly data: FinetuneData,
    private readonly params: FinetuneParams,
    resume?: FinetuneFitCheckpoint,
    private readonly pretrainedKernel: FloatArray = start.theta.subarray(
      start.layout.topKernel,
      start.layout.topBias,
    ),
  ) {
    const { layout } = start;
    this.layout = layout;
    this.scaling = start.scaling;
    this.startTheta = start.theta;
    this.random = new SeededRandom(params.seed);
    this.order = Array.from({ length: data.train.indices.length }, (_, i) => i);
    this.labels = new Int32Array(params.batchSize);
    this.validationLogits = new Float64Array(data.validation.indices.length * layout.classCount);
    this.best = {
      loss: Number.POSITIVE_INFINITY,
      epoch: 0,
      weights: null,
      logits: this.validationLogits,
    };
    if (resume) this.restore(resume);
  }

  get done(): boolean {
    return this.phase === "done";
  }

  get fraction(): number {
    return this.done ? 1 : this.epoch / (this.params.maxEpochs + 1);
  }

  get outcome(): FinetuneOutcome {
    if (!this.done) throw new Error("finetune fit: not finished");
    return {
      theta: this.best.weights,
      validationLogits: this.best.logits,
      bestEpoch: this.best.epoch,
      history: this.history,
    };
  }

  /** The epochs validated so far (for progress events). */
  get epochs(): readonly EpochRecord[] {
    return this.history;
  }

  advance(flops: number): number {
    // The network's activations, made by each `advance` and garbage when it returns (as the matrix
    // kernel's memory), so they are not held while the job encodes the checkpoint between steps.
    const network = new TopActivations(this.layout, Math.min(SLICE_SAMPLES, this.params.batchSize));
    let spent = 0;
    do spent += this.phase === "train" ? this.trainSlice(network) : this.validateChunk(network);
    while (!this.done && spent < flops);
    // The matrix kernel's copies of this step's operands (2 MB for width 1.4) go with the step too.
    releaseKernelMemory();
    return spent;
  }

  checkpoint(): FinetuneFitCheckpoint {
    const { best, training } = this;
    return {
      scalars: {
        phase: ["train", "validate", "done"].indexOf(this.phase),
        epoch: this.epoch,
        cursor: this.cursor,
        slice: this.slice,
        random: this.random.state,
        validationLoss: this.validationLoss,
        validationCorrect: this.validationCorrect,
        bestLoss: best.loss,
        bestEpoch: best.epoch,
        ...(training && {
          topAdamSteps: training.topAdam.scalars().adamSteps as number,
          classifierAdamSteps: training.classifierAdam.scalars().adamSteps as number,
        }),
      },
      arrays: {
        validationLogits: this.validationLogits,
        bestLogits: best.logits,
        order: Float64Array.from(this.order),
        history: Float64Array.from(
          this.history.flatMap((r) => [r.epoch, r.validationLoss, r.validationAccuracy]),
        ),
      },
      weights: {
        ...(training && trainingArrays(training)),
        ...(best.weights && { bestWeights: best.weights }),
        ...(this.batchGrad && { batchGrad: this.batchGrad }),
      },
    };
  }

  /** The state of the first step: float32 weights from the start's, Adam's moments at zero. */
  private startTraining(weights: Float32Array): TrainingState {
    const { layout, params } = this;
    return {
      weights,
      topAdam: new Adam(
        layout.classKernel,
        { ...ADAM_DEFAULTS, learningRate: params.topLearningRate },
        Float32Array,
      ),
      classifierAdam: new Adam(
        layout.size - layout.classKernel,
        { ...ADAM_DEFAULTS, learningRate: params.classifierLearningRate },
        Float32Array,
      ),
    };
  }

  private restore(checkpoint: FinetuneFitCheckpoint): void {
    const { size } = this.layout;
    const weightsOf = (name: string, length: number) => {
      const array = checkpoint.weights[name];
      if (!(array instanceof Float32Array) || array.length !== length) {
        throw new Error(
          `finetune checkpoint: weights "${name}" missing or not of length ${length}`,
        );
      }
      return array;
    };
    this.phase = (["train", "validate", "done"] as const)[scalarOf(checkpoint, "phase")] ?? "done";
    this.epoch = scalarOf(checkpoint, "epoch");
    this.cursor = scalarOf(checkpoint, "cursor");
    // Checkpoints from before minibatches were sliced have none: they end at a minibatch's end.
    this.slice = checkpoint.scalars.slice ?? 0;
    this.batchGrad = this.slice > 0 ? Float32Array.from(weightsOf("batchGrad", size)) : null;
    this.random.state = scalarOf(checkpoint, "random");
    this.validationLoss = scalarOf(checkpoint, "validationLoss");
    this.validationCorrect = scalarOf(checkpoint, "validationCorrect");
    arrayOf(checkpoint, "order", this.order.length).forEach((row, i) => {
      this.order[i] = row;
    });
    const history = arrayOf(checkpoint, "history");
    this.history = [];
    for (let i = 0; i + 2 < history.length; i += 3) {
      this.history.push({
        epoch: history[i] as number,
        validationLoss: history[i + 1] as number,
        validationAccuracy: history[i + 2] as number,
      });
    }
    const logits = this.validationLogits.length;
    this.validationLogits.set(arrayOf(checkpoint, "validationLogits", logits));
    const bestEpoch = scalarOf(checkpoint, "bestEpoch");
    this.best = {
      loss: scalarOf(checkpoint, "bestLoss"),
      epoch: bestEpoch,
      weights: bestEpoch > 0 ? Float32Array.from(weightsOf("bestWeights", size)) : null,
      logits: Float64Array.from(arrayOf(checkpoint, "bestLogits", logits)),
    };
    // Saved before the first minibatch began, the start's weights are the state.
    if (!checkpoint.weights.weights) return;
    const training = this.startTraining(Float32Array.from(weightsOf("weights", size)));
    const topSize = this.layout.classKernel;
    training.topAdam.restoreMoments(
      scalarOf(checkpoint, "topAdamSteps"),
      weightsOf("topAdamM", topSize),
      weightsOf("topAdamV", topSize),
    );
    training.classifierAdam.restoreMoments(
      scalarOf(checkpoint, "classifierAdamSteps"),
      weightsOf("classifierAdamM", size - topSize),
      weightsOf("classifierAdamV", size - topSize),
    );
    this.training = training;
    this.startTheta = null;
  }

  /**
   * The float32 state from the start's weights, which it lets go (megabytes of float64; in a call
   * of its own, whose frame goes with them): the first step trains on them rounded to float32.
   */
  private beginTraining(): TrainingState {
    const training = this.startTraining(Float32Array.from(this.theta));
    this.startTheta = null;
    return training;
  }

  /** The weights the network reads now: the start's until the first step, then the trained ones. */
  private get theta(): FloatArray {
    return this.startTheta ?? (this.training as TrainingState).weights;
  }

  /**
   * One slice of the minibatch at `cursor`: its gradient of cross-entropy added to the minibatch's,
   * and once the minibatch is whole, one step of Adam on it + L2-SP. Returns the flops spent.
   */
  private trainSlice(network: TopActivations): number {
    const { layout, scaling } = this;
    const { train, source } = this.data;
    this.training ??= this.beginTraining();
    if (this.cursor === 0 && this.slice === 0) this.random.shuffle(this.order);
    const rows = Math.min(this.params.batchSize, this.order.length - this.cursor);
    const count = Math.min(SLICE_SAMPLES, rows - this.slice);
    const batch = new Int32Array(count);
    for (let r = 0; r < count; r++) {
      const position = this.order[this.cursor + this.slice + r] as number;
      batch[r] = train.indices[position] as number;
      this.labels[r] = train.y[position] as number;
    }
    this.batchGrad ??= new Float32Array(layout.size);
    network.forward(this.theta, scaling, source, batch);
    network.backward(this.theta, scaling, source, batch, this.labels, this.batchGrad, rows);
    this.slice += count;
    if (this.slice === rows) this.stepOn(this.batchGrad, rows);
    return 2 * count * forwardFlops(layout);
  }

  /** Adam on the whole minibatch's gradient, then on to the next minibatch (or the validation). */
  private stepOn(grad: Float32Array, rows: number): void {
    const { layout } = this;
    const { weights, topAdam, classifierAdam } = this.training as TrainingState;
    this.addPenaltyGradients(grad);
    topAdam.step(weights.subarray(0, layout.classKernel), grad.subarray(0, layout.classKernel));
    classifierAdam.step(weights.subarray(layout.classKernel), grad.subarray(layout.classKernel));
    this.batchGrad = null;
    this.slice = 0;
    this.cursor += rows;
    if (this.cursor >= this.order.length) {
      this.phase = "validate";
      this.cursor = 0;
      this.epoch++;
    }
  }

  /** α (W − W₀) on the top's kernel, β V on the classifier's. */
  private addPenaltyGradients(grad: Float32Array): void {
    const { layout, theta } = this;
    const { l2sp, classifierDecay } = this.params;
    const kernel = layout.topBias - layout.topKernel;
    axpy(l2sp, theta, layout.topKernel, grad, layout.topKernel, kernel);
    axpy(-l2sp, this.pretrainedKernel, 0, grad, layout.topKernel, kernel);
    const classifier = layout.classBias - layout.classKernel;
    axpy(classifierDecay, theta, layout.classKernel, grad, layout.classKernel, classifier);
  }

  /** One chunk of the validation pass; the epoch's verdict after the last one. */
  private validateChunk(network: TopActivations): number {
    const { layout, scaling } = this;
    const { validation, source } = this.data;
    const k = layout.classCount;
    const chunk = validation.indices.subarray(this.cursor, this.cursor + network.capacity);
    network.forward(this.theta, scaling, source, chunk);
    const labels = validation.y.subarray(this.cursor, this.cursor + chunk.length);
    this.validationLogits.set(network.logits.subarray(0, chunk.length * k), this.cursor * k);
    for (let i = 0; i < chunk.length; i++) {
      const row = network.logits.subarray(i * k, (i + 1) * k);
      let best = 0;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < k; j++) {
        if ((row[j] as number) > max) {
          max = row[j] as number;
          best = j;
        }
      }
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp((row[j] as number) - max);
      const label = labels[i] as number;
      this.validationLoss += max + Math.log(sum) - (row[label] as number);
      if (best === label) this.validationCorrect++;
    }
    this.cursor += chunk.length;
    if (this.cursor >= validation.indices.length) this.endEpoch();
    return chunk.length * forwardFlops(layout);
  }

  private endEpoch(): void {
    const count = Math.max(1, this.data.validation.indices.length);
    const record = {
      epoch: this.epoch,
      validationLoss: this.validationLoss / count,
      validationAccuracy: this.validationCorrect / count,
    };
    this.history.push(record);
    this.validationLoss = 0;
    this.validationCorrect = 0;
    this.cursor = 0;
    if (record.validationLoss < this.best.loss) {
      this.best = {
        loss: record.validationLoss,
        epoch: this.epoch,
        weights: this.training && this.epoch > 0 ? Float32Array.from(this.training.weights) : null,
        logits: Float64Array.from(this.validationLogits),
      };
    }
    const stalled = this.epoch - this.best.epoch >= this.params.patience;
    this.phase = stalled || this.epoch >= this.params.maxEpochs ? "done" : "train";
  }
}

function trainingArrays({ weights, topAdam, classifierAdam }: TrainingState) {
  const top = topAdam.arrays();
  const classifier = classifierAdam.arrays();
  return {
    weights,
    topAdamM: top.adamM as Float32Array,
    topAdamV: top.adamV as Float32Array,
    classifierAdamM: classifier.adamM as Float32Array,
    classifierAdamV: classifier.adamV as Float32Array,
  };
}
