export { type ClassWeight, sampleWeightsFor } from "./class-weights";
export * from "./head-spec";
export {
  LOGISTIC_DEFAULTS,
  LogisticRegression,
  type LogisticRegressionParams,
} from "./logistic-regression";
export {
  type LogisticProblem,
  logisticObjective,
  parameterCount,
  weightRowCount,
} from "./multinomial-loss";
