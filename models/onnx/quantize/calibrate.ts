import { decodeModel } from "../decode";
import { encodeModel } from "../proto";
import { quantisedActivations, quantizeQdq, type TensorRange, withTensorOutputs } from "./qdq";

/** Runs an ONNX model (given as bytes) on one input batch; returns every output by name. */
export type RunModel = (
  model: Uint8Array,
  batch: Float32Array,
) => Promise<Record<string, Float32Array>>;

/**
 * The int8 QDQ copy of a converted float model, its activation ranges (min/max) measured by running
 * the float model on the calibration batches. The caller brings the runtime (prepare-time Node code
 * uses onnxruntime-node), so models/ has no runtime dependency.
 */
export async function quantizeWithCalibration(
  model: Uint8Array,
  calibration: readonly Float32Array[],
  run: RunModel,
): Promise<Uint8Array> {
  const proto = decodeModel(model);
  const tensors = quantisedActivations(proto);
  const probe = encodeModel(withTensorOutputs(proto, tensors));
  const ranges = new Map<string, TensorRange>();
  for (const batch of calibration) {
    const outputs = await run(probe, batch);
    for (const name of tensors) {
      const values = outputs[name];
      if (values === undefined) throw new Error(`calibration: no values for ${name}`);
      const seen = ranges.get(name) ?? { min: 0, max: 0 };
      let { min, max } = seen;
      for (const v of values) {
        if (v < min) min = v;
        else if (v > max) max = v;
      }
      ranges.set(name, { min, max });
    }
  }
  return encodeModel(quantizeQdq(proto, ranges));
}
