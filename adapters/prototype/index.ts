export { CosinePrototypeClassifier } from "./cosine-prototype-classifier";
export * from "./head-spec";
