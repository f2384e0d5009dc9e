/**
 * The finetune network at step 0: the backbone's pretrained top followed by a frozen head's scaler
 * and linear classifier, so that before any step it computes exactly the frozen head's logits.
 */

import type { Classifier } from "../estimator";
import { zeros } from "../linalg/matrix";
import type { StandardScaler } from "../preprocessing/standard-scaler";
import { topLayout } from "./layout";
import type { TopModel } from "./top-model";

/** A backbone's 1×1 convolution as the manifest's reader gives it (kernel O × C, row-major). */
export interface PretrainedTop {
  positions: number;
  inChannels: number;
  outChannels: number;
  kernel: ArrayLike<number>;
  bias: ArrayLike<number>;
}

export function startingModel(
  top: PretrainedTop,
  scaler: StandardScaler,
  classifier: Classifier,
  classCount: number,
): TopModel {
  const layout = topLayout(top.positions, top.inChannels, top.outChannels, classCount);
  const theta = new Float64Array(layout.size);
  theta.set(top.kernel, layout.topKernel);
  theta.set(top.bias, layout.topBias);
  const { kernel, bias } = linearForm(classifier, top.outChannels, classCount);
  theta.set(kernel, layout.classKernel);
  theta.set(bias, layout.classBias);
  return { layout, scaling: { mean: scaler.mean, scale: scaler.scale }, theta };
}

/**
 * Any linear classifier's logits(x) = V x + c as (V, c), read off its decision function at 0 and at
 * the unit vectors (exact for the logistic head, the linear one a finetune starts from).
 */
function linearForm(classifier: Classifier, features: number, classCount: number) {
  const probes = zeros(features + 1, features);
  for (let j = 0; j < features; j++) probes.data[(j + 1) * features + j] = 1;
  const logits = classifier.decisionFunction(probes).data;
  const bias = logits.slice(0, classCount);
  const kernel = new Float64Array(classCount * features);
  for (let j = 0; j < features; j++) {
    for (let k = 0; k < classCount; k++) {
      kernel[k * features + j] = (logits[(j + 1) * classCount + k] as number) - (bias[k] as number);
    }
  }
  return { kernel, bias };
}
