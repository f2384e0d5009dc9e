export {
  buildBackboneClassifier,
  buildHeadClassifier,
  type ClassifierDescription,
  type CutLayerSpec,
  EMBEDDING_INPUT,
  EMBEDDING_OUTPUT,
  PROBABILITIES_OUTPUT,
} from "./classifier";
export { type ConvertOptions, convertTfjsGraphToOnnx, OPSET } from "./convert";
export type { HeadGraph } from "./head";
export { byteLengthOf, joinParts } from "./proto";
export { ConversionError, type TfjsGraphModelJson } from "./tfjs-graph";
export type { WeightStorage } from "./weights";
