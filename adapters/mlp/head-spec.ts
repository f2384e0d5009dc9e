import type { Classifier } from "../estimator";
import type { HeadSpec } from "../heads/head-spec";
import { gridOption, numberOption } from "../heads/hyperparameter-options";
import type { Hyperparameters, TrainOptions } from "../types";
import { MLP_DEFAULTS, MlpClassifier, mlpFitFlopsBound, mlpFitWorkFloor } from "./mlp-classifier";

export const DEFAULT_WEIGHT_DECAY_GRID = [1e-4, 1e-2] as const;

export const mlpHeadSpec: HeadSpec = {
  headType: "mlp",
  warmStarts: false,
  standardize: true,
  hyperparameterNames: [
    "hiddenUnits",
    "dropout",
    "learningRate",
    "batchSize",
    "maxEpochs",
    "patience",
  ],
  sweepGridNames: ["weightDecayGrid"],
  candidates: (options) => {
    const fixed = fixedHyperparameters(options);
    return gridOption(
      options.sweep?.weightDecayGrid,
      "sweep.weightDecayGrid",
      DEFAULT_WEIGHT_DECAY_GRID,
      {
        min: 0,
        max: 10,
      },
    ).map((weightDecay) => ({ ...fixed, weightDecay }));
  },
  create: (hyperparameters) => new MlpClassifier(hyperparameters as Partial<typeof MLP_DEFAULTS>),
  refitHyperparameters: (chosen: Hyperparameters, fitted: Classifier) => ({
    ...chosen,
    epochs: fitted instanceof MlpClassifier ? fitted.bestEpoch : MLP_DEFAULTS.epochs,
  }),
  restore: (state) => MlpClassifier.fromState(state),
  fitFlopsBound: (shape, hyperparameters) => mlpFitFlopsBound(shape, withDefaults(hyperparameters)),
  fitWorkFloor: (shape, hyperparameters) => mlpFitWorkFloor(shape, withDefaults(hyperparameters)),
};

/** A candidate's hyperparameters, MLP_DEFAULTS' where it sets none. */
function withDefaults(hyperparameters: Hyperparameters): typeof MLP_DEFAULTS {
  return { ...MLP_DEFAULTS, ...(hyperparameters as Partial<typeof MLP_DEFAULTS>) };
}

function fixedHyperparameters(options: TrainOptions): Hyperparameters {
  const h = options.hyperparameters;
  return {
    hiddenUnits: numberOption(h, "hiddenUnits", MLP_DEFAULTS.hiddenUnits, {
      min: 1,
      max: 1024,
      integer: true,
    }),
    dropout: numberOption(h, "dropout", MLP_DEFAULTS.dropout, { min: 0, max: 0.9 }),
    learningRate: numberOption(h, "learningRate", MLP_DEFAULTS.learningRate, { min: 1e-6, max: 1 }),
    batchSize: numberOption(h, "batchSize", MLP_DEFAULTS.batchSize, {
      min: 1,
      max: 4096,
      integer: true,
    }),
    maxEpochs: numberOption(h, "maxEpochs", MLP_DEFAULTS.maxEpochs, {
      min: 1,
      max: 1000,
      integer: true,
    }),
    patience: numberOption(h, "patience", MLP_DEFAULTS.patience, {
      min: 1,
      max: 100,
      integer: true,
    }),
    seed: options.seed ?? MLP_DEFAULTS.seed,
  };
}
