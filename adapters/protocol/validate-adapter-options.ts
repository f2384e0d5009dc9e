/**
 * validateTrainOptions for every head type an adapter can have: a finetune head's options are its own
 * (the top's learning-rate and L2-SP grids, its epochs) plus the logistic ones its frozen stage reads.
 */

import { FINETUNE_HYPERPARAMETER_NAMES, finetuneCandidates } from "../finetune/finetune-run";
import type { AdapterHeadType, TrainOptions } from "../types";
import { validateTrainOptions } from "./validate-options";

export function validateAdapterTrainOptions(
  headType: AdapterHeadType,
  options: TrainOptions = {},
): void {
  if (headType !== "finetune") {
    validateTrainOptions(headType, options);
    return;
  }
  const finetune = new Set<string>(FINETUNE_HYPERPARAMETER_NAMES);
  const frozen = Object.fromEntries(
    Object.entries(options.hyperparameters ?? {}).filter(([name]) => !finetune.has(name)),
  );
  validateTrainOptions("logistic", { ...options, hyperparameters: frozen });
  finetuneCandidates(options);
}
