export * from "./head-spec";
export { MLP_DEFAULTS, MlpClassifier, type MlpParams } from "./mlp-classifier";
