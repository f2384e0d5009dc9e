export { classificationMetrics } from "./classification-metrics";
export { confusionMatrix } from "./confusion-matrix";
export { ECE_BINS, expectedCalibrationError, reliabilityBins } from "./expected-calibration-error";
export { logLoss } from "./log-loss";
export { type ClassScores, macroAverage, perClassScores } from "./precision-recall-f1";
