export { type ConvertOptions, convertTfjsGraphToOnnx, OPSET } from "./convert";
export { ConversionError, type TfjsGraphModelJson } from "./tfjs-graph";
