/**
 * Training options for every head type an adapter can have. A finetune head's are its own (the
 * top's learning-rate and L2-SP grids, given under `sweep` like the other heads' grids; its
 * epochs and batch size) plus the logistic ones its frozen stage reads.
 */

import {
  FINETUNE_HYPERPARAMETER_NAMES,
  finetuneCandidates,
  finetuneFixedOptions,
} from "../finetune/finetune-options";
import { HEAD_SPECS } from "../heads/registry";
import type { AdapterHeadType, TrainOptions } from "../types";
import { assertOptionNames, validateTrainOptions } from "./validate-options";

/** The grids of the top, sent under `sweep`; FinetuneRun reads them among its hyperparameters. */
const FINETUNE_GRID_NAMES = ["learningRateGrid", "l2spGrid"] as const;

/** What a finetune request takes: its own options, then the logistic ones of its frozen stage. */
const FINETUNE_OPTION_NAMES = {
  hyperparameterNames: [
    ...FINETUNE_HYPERPARAMETER_NAMES.filter(
      (name) => !(FINETUNE_GRID_NAMES as readonly string[]).includes(name),
    ),
    ...HEAD_SPECS.logistic.hyperparameterNames,
  ],
  sweepGridNames: [...FINETUNE_GRID_NAMES, ...HEAD_SPECS.logistic.sweepGridNames],
};

/** The options as FinetuneRun reads them: its grids among its hyperparameters. */
export function finetuneRunOptions(options: TrainOptions): TrainOptions {
  const { learningRateGrid, l2spGrid, ...sweep } = options.sweep ?? {};
  return {
    ...options,
    sweep,
    hyperparameters: {
      ...options.hyperparameters,
      ...(learningRateGrid && { learningRateGrid }),
      ...(l2spGrid && { l2spGrid }),
    },
  };
}

/**
 * The options of a finetune training that its frozen logistic head reads: all but the top's grids,
 * epochs and batch size.
 */
export function frozenHeadOptions(options: TrainOptions): TrainOptions {
  const runOptions = finetuneRunOptions(options);
  const finetune = new Set<string>(FINETUNE_HYPERPARAMETER_NAMES);
  const hyperparameters = Object.fromEntries(
    Object.entries(runOptions.hyperparameters ?? {}).filter(([name]) => !finetune.has(name)),
  );
  return { ...runOptions, hyperparameters };
}

/** validateTrainOptions for any adapter head type. Throws HeadInputError. */
export function validateAdapterTrainOptions(
  headType: AdapterHeadType,
  options: TrainOptions = {},
): void {
  if (headType !== "finetune") {
    validateTrainOptions(headType, options);
    return;
  }
  assertOptionNames("finetune", FINETUNE_OPTION_NAMES, options);
  const runOptions = finetuneRunOptions(options);
  validateTrainOptions("logistic", frozenHeadOptions(options));
  finetuneCandidates(runOptions);
  finetuneFixedOptions(runOptions);
}
