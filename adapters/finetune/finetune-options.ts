/**
 * A finetune training's own options: the top's learning-rate and L2-SP grids (its sweep) and the
 * fixed mini-batch, epochs and patience, read and checked as every head reads its options.
 */

import { gridOption, numberOption } from "../heads/hyperparameter-options";
import type { Hyperparameters, TrainOptions } from "../types";
import { FINETUNE_DEFAULTS, type FinetuneParams } from "./finetune-fit";

/** 1e-5 barely moved the top in 3 epochs (Fashion-MNIST); 3e-5 lowered the validation loss steadily, 1e-4 noisily. */
export const DEFAULT_LEARNING_RATE_GRID = [3e-5, 1e-4] as const;
export const DEFAULT_L2SP_GRID = [0.01, 1] as const;
/** The classifier learns this many times faster than the top (the top starts pretrained). */
export const CLASSIFIER_LEARNING_RATE_RATIO = 10;

export const FINETUNE_HYPERPARAMETER_NAMES = [
  "learningRateGrid",
  "l2spGrid",
  "batchSize",
  "maxEpochs",
  "patience",
] as const;

/** The finetune's fixed options (mini-batch, epochs, patience), checked. Throws HeadInputError. */
export function finetuneFixedOptions(
  options: TrainOptions,
): Pick<FinetuneParams, "batchSize" | "maxEpochs" | "patience"> {
  const h = options.hyperparameters;
  return {
    batchSize: numberOption(h, "batchSize", FINETUNE_DEFAULTS.batchSize, {
      min: 1,
      max: 256,
      integer: true,
    }),
    maxEpochs: numberOption(h, "maxEpochs", FINETUNE_DEFAULTS.maxEpochs, {
      min: 0,
      max: 200,
      integer: true,
    }),
    patience: numberOption(h, "patience", FINETUNE_DEFAULTS.patience, {
      min: 1,
      max: 50,
      integer: true,
    }),
  };
}

/** Learning rate × L2-SP strength, in grid order. */
export function finetuneCandidates(options: TrainOptions): Hyperparameters[] {
  const h = options.hyperparameters;
  const learningRates = gridOption(
    h?.learningRateGrid,
    "sweep.learningRateGrid",
    DEFAULT_LEARNING_RATE_GRID,
    {
      min: 1e-7,
      max: 0.1,
    },
  );
  const strengths = gridOption(h?.l2spGrid, "sweep.l2spGrid", DEFAULT_L2SP_GRID, {
    min: 0,
    max: 1e4,
  });
  return learningRates.flatMap((learningRate) => strengths.map((l2sp) => ({ learningRate, l2sp })));
}
