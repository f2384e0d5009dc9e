/**
 * Backbone selection math: training-free transferability (LogME), cross-validation of a head under
 * the training protocol, nearest-prototype leave-one-out accuracy, and the ranking rule and Pareto
 * front that turn the measurements into a recommendation. Pure TypeScript, no I/O.
 */
export {
  type CrossValidationCheckpoint,
  type CrossValidationInput,
  type CrossValidationReport,
  CrossValidationRun,
  crossValidateHead,
  crossValidationRoundSplit,
  DEFAULT_FOLDS,
  type FoldScores,
  foldsFor,
} from "./cross-validate";
export {
  type FinetuneCrossValidationCheckpoint,
  type FinetuneCrossValidationInput,
  FinetuneCrossValidationRun,
  type FinetuneRound,
} from "./finetune-cross-validate";
export { type FoldStatistic, foldStatistic } from "./fold-statistics";
export { type ClassEvidence, type LogMEOptions, type LogMEResult, logME } from "./logme";
export { type AccuracyLatencyPoint, paretoFront } from "./pareto-front";
export { prototypeLeaveOneOutAccuracy } from "./prototype-leave-one-out";
export {
  CV_RESOLUTION_Z,
  type Decision,
  MATERIAL_SAVING,
  MIN_TIE_TOLERANCE,
  materiallyCheaper,
  RANKING_RULE,
  type RankableCandidate,
  type Ranked,
  type Ranking,
  rankCandidates,
  resolvedTie,
  STRONG_LOG_EVIDENCE,
  strongerEvidence,
  tieTolerance,
} from "./ranking";
export { stratifiedKFold } from "./stratified-k-fold";
