export { quantizeWithCalibration, type RunModel } from "./calibrate";
export { quantisedActivations, quantizeQdq, type TensorRange, uint8Affine } from "./qdq";
