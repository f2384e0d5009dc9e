/**
 * Adapter heads: small classifiers trained on frozen-backbone embeddings. Pure TypeScript, no I/O;
 * the same code runs in workerd and Node.
 */
export { HeadInputError, type HeadInputErrorCode } from "./errors";
export type { Classifier, EstimatorState, FitOptions, FitSummary } from "./estimator";
export {
  decodeActivationsInto,
  encodeActivations,
  encodedActivationBytes,
} from "./finetune/activation-codec";
export { type CutActivationSource, encodedSource } from "./finetune/activation-source";
export {
  decodeFinetuneHead,
  FINETUNE_HEAD_TYPE,
  FinetuneHead,
  isFinetuneHead,
} from "./finetune/finetune-head";
export {
  DEFAULT_L2SP_GRID,
  DEFAULT_LEARNING_RATE_GRID,
  FINETUNE_HYPERPARAMETER_NAMES,
  finetuneCandidates,
} from "./finetune/finetune-options";
export {
  type FinetuneReport,
  type FinetuneResult,
  FinetuneRun,
  type FinetuneRunCheckpoint,
} from "./finetune/finetune-run";
export {
  type FinetuneTrainingResult,
  FinetuneTrainingRun,
  type FinetuneTrainingRunCheckpoint,
} from "./finetune/finetune-training-run";
export { AdapterHead, ALWAYS_ABSTAIN, DEFAULT_TOP_K } from "./heads/adapter-head";
export type { HeadSpec } from "./heads/head-spec";
export { HEAD_SPECS } from "./heads/registry";
export { LIMITS, UNKNOWN_LABEL } from "./limits";
export {
  type FixedLeftMatrix,
  type GemmKernel,
  gemmKernel,
  useGemmKernel,
  type VectorBlock,
} from "./linalg/gemm";
export { fromRows, type Matrix } from "./linalg/matrix";
export type { FloatArray } from "./linalg/vector";
export { DEFAULT_C_GRID, LOGISTIC_DEFAULTS, LogisticRegression } from "./logistic";
export { classificationMetrics } from "./metrics";
export { DEFAULT_WEIGHT_DECAY_GRID, MlpClassifier } from "./mlp";
export { StandardScaler } from "./preprocessing/standard-scaler";
export {
  finetuneRunOptions,
  validateAdapterTrainOptions,
} from "./protocol/adapter-train-options";
export { deduplicate } from "./protocol/deduplicate";
export { JOB_STEPS, STEP_FLOPS, trainingStepBudget } from "./protocol/step-budget";
export {
  type StepsFloor,
  stepBudgetRefusal,
  type TrainingPlan,
  trainingStepsFloor,
} from "./protocol/step-budget-floor";
export { type SplitIndices, stratifiedSplit } from "./protocol/stratified-split";
export { stratifiedSubsample } from "./protocol/stratified-subsample";
export {
  type TrainHeadInput,
  type TrainingCheckpoint,
  TrainingRun,
  trainHead,
} from "./protocol/train-head";
export { DEFAULT_FRACTIONS, validateTrainOptions } from "./protocol/validate-options";
export { CosinePrototypeClassifier } from "./prototype";
export {
  base64ToBytes,
  base64UrlToBytes,
  bytesToBase64,
  bytesToBase64Url,
  decodeCheckpoint,
  decodeHead as deserializeHead,
  describeHead,
  encodeCheckpoint,
  type HeadDescription,
  type HeadStep,
} from "./serialization";
export {
  hiddenUnitsOf,
  TRAINING_BUDGET,
  type TrainingWidth,
  trainingSamplesAllowed,
  trainingValues,
} from "./training-budget";
export * from "./types";
