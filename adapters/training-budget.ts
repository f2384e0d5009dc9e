import { MLP_DEFAULTS } from "./mlp/mlp-classifier";

/**
 * The training budget: how much one training may hold so that its job stays within a Workers
 * isolate's 128 MB. Counted in values: dimension × (samples + SAMPLES_PER_LABEL × labels +
 * SAMPLES_PER_HIDDEN_UNIT × an MLP's hidden units), the
 * dimension being the embedding's (a fusion's is the sum of its parts'). Measured by
 * `npx tsx bench/memory/training-cli.ts` (bench/results/memory.md, "training's working set"):
 * - BYTES_PER_VALUE: a training's peak working set grows by at most this per sample value. The
 *   float32 embeddings (4 bytes) are held next to the float64 scaled train + validation set of the fit
 *   in progress (8 × 0.8), or next to the float64 copy the served head's refit scales them into (8).
 * - SAMPLES_PER_LABEL: a logistic fit's L-BFGS keeps 26 vectors of its dimension × labels weights
 *   (8 bytes each, 208 bytes per weight): a label costs as much as this many samples.
 * - SAMPLES_PER_HIDDEN_UNIT: an MLP holds its dimension × hidden units weights about six times in
 *   float64 (the weights, their gradient, Adam's two moments, the best epoch's, the sweep's kept
 *   model: 49 bytes per weight measured, 1,000 × 1,792 with 1,024 hidden units against 64).
 * - FIXED_BYTES: the matrix kernel's blocks (a 4 MiB block of the training set and 1 MiB ones of the
 *   other operand and the product) and a Gram matrix of the sweep's ≤ 1,024 train samples (8 MiB).
 * - BASELINE_BYTES (assumed): the isolate's own code and JS heap, the job runner's state and SQLite
 *   reads, the checkpoint being encoded.
 * Not counted: a backbone loaded in the same isolate (see README, "Training's working set").
 */
const ISOLATE_BYTES = 128 * 2 ** 20;
const BASELINE_BYTES = 16 * 2 ** 20;
const FIXED_BYTES = 16 * 2 ** 20;
const BYTES_PER_VALUE = 12;
const SAMPLES_PER_LABEL = 18;
const SAMPLES_PER_HIDDEN_UNIT = 4;

export const TRAINING_BUDGET = {
  /** 8,388,608 (2²³): e.g. 5,000 samples of 10 labels up to 1,619 dimensions. */
  values: Math.floor((ISOLATE_BYTES - BASELINE_BYTES - FIXED_BYTES) / BYTES_PER_VALUE),
  samplesPerLabel: SAMPLES_PER_LABEL,
  samplesPerHiddenUnit: SAMPLES_PER_HIDDEN_UNIT,
} as const;

/** What a training holds besides its samples: labels, and an MLP's hidden units (0 otherwise). */
export interface TrainingWidth {
  labels: number;
  hiddenUnits?: number;
}

/** The values a training of these samples at this dimension holds (see above). */
export function trainingValues(samples: number, width: TrainingWidth, dim: number): number {
  return dim * (samples + perWidth(width));
}

/** The most samples a training of this width at this dimension may hold (0 if none). */
export function trainingSamplesAllowed(width: TrainingWidth, dim: number): number {
  return Math.max(0, Math.floor(TRAINING_BUDGET.values / dim) - perWidth(width));
}

/** The hidden units a head of this type trains with these hyperparameters (MLP_DEFAULTS' if unset). */
export function hiddenUnitsOf(headType: string, hyperparameters?: Record<string, unknown>): number {
  if (headType !== "mlp") return 0;
  const asked = hyperparameters?.hiddenUnits;
  return typeof asked === "number" ? asked : MLP_DEFAULTS.hiddenUnits;
}

function perWidth({ labels, hiddenUnits = 0 }: TrainingWidth): number {
  return SAMPLES_PER_LABEL * labels + SAMPLES_PER_HIDDEN_UNIT * hiddenUnits;
}
