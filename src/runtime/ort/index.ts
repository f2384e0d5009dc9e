export { OnnxModelError, type OnnxModelErrorReason } from "./errors";
export { ortWasmHeapBytes } from "./precompiled-wasm";
export {
  createOrtSession,
  type DenseTensor,
  type GraphOptimizationLevel,
  type OrtSession,
  type OrtSessionOptions,
  type TensorData,
  useOrtWasm,
} from "./session";
export {
  checkSignature,
  type OnnxDtype,
  type OnnxSignature,
  type OnnxValueMetadata,
  type OnnxValueSpec,
  signatureFromMetadata,
} from "./signature";
