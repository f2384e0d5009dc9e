import type { HeadSpec } from "../heads/head-spec";
import { CosinePrototypeClassifier } from "./cosine-prototype-classifier";

/** No hyperparameters to sweep: the only free parameter, the temperature, is fitted by calibration. */
export const prototypeHeadSpec: HeadSpec = {
  headType: "prototype",
  warmStarts: false,
  standardize: false,
  hyperparameterNames: [],
  sweepGridNames: [],
  candidates: () => [{}],
  create: () => new CosinePrototypeClassifier(),
  refitHyperparameters: (chosen) => chosen,
  restore: (state) => CosinePrototypeClassifier.fromState(state),
  fitFlopsBound: () => null,
};
